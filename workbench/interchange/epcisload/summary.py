"""An EPCIS import summary as text: what the command line prints and the app shows."""

from __future__ import annotations

from workbench.interchange.epcisload.importer import EpcisImportSummary


def format_epcis_summary(summary: EpcisImportSummary, where: str, shown: int = 50) -> str:
    verb = "Checked" if summary.dry_run else "Imported"
    n = len(summary.files)
    lines = [f"{verb} {n} EPCIS document{'s' if n != 1 else ''} into {where} in {summary.seconds:.1f} s.", ""]
    width = max(len(f.file) for f in summary.files)
    lines.append(f"{'file':<{width}}  {'format':<10}  {'events':>8}  {'master data':>11}")
    for f in summary.files:
        lines.append(f"{f.file:<{width}}  {f.format:<10}  {f.events:>8}  {f.master_data:>11}")
    c = summary.counts
    new = "to add" if summary.dry_run else "new"
    lines += [
        "",
        (f"events: {summary.events_read} read, {summary.new_events} {new}, {summary.present} already in the plant, "
         f"{summary.duplicates} given twice, {c.retracted + summary.retracted_earlier} retracted"),
        (f"lots {c.lots}, items {c.items}, transformations {c.orders}, shipment lines {c.shipments}, receipt lines "
         f"{c.receipts} ({c.linked} linked to shipments imported before), container stays {c.packings}"),
    ]
    if summary.events_read and summary.seconds:
        lines.append(f"speed: {summary.events_read / summary.seconds:,.0f} events/s")
    if summary.dry_run:
        lines += ["", "Dry run: nothing was written."]
    if summary.warnings:
        k = len(summary.warnings)
        lines += ["", f"Warnings ({k}):"] + [f"  {w}" for w in summary.warnings[:shown]]
        if k > shown:
            lines.append(f"  … and {k - shown} more.")
    return "\n".join(lines)
