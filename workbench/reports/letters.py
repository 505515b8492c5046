"""Recall letters: one per customer, on the company letterhead, and one file to print them all.

Each letter names exactly the lots this customer received (item, description, lot,
quantity, shipment, date, their order reference), says why the lots are recalled, what
to do with the stock and whom to call. ``letters/CUSTOMER.pdf`` holds one letter;
``letters.pdf`` holds all of them, each numbered from page 1.

Speed: every letter comes from one layout. What all letters share word for word is
parsed and drawn once per process (``_fixed_parts``, ``_shared``); what differs per
customer is drawn as plain wrapped lines (``pdfstyle.TextLines``) and the shipment table
line by line (``pdfstyle.LineTable``). Pages are laid out once, in chunks on worker
processes, and each page's stream is compressed once for both files it goes into
(``pdfstyle.pages_pdf``): a thousand letters take under three CPU seconds.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from workbench.progress import report
from workbench.reports import pdfstyle as ps
from workbench.settings import Letterhead

LINE_HEADER = ("Shipped", "Shipment", "Your order", "Product", "GTIN / UPC", "Lot", "Best by", "Quantity")
#: The product column (item code and description) takes what the code columns leave,
#: at least this much; every other column is as wide as its widest code, so a shipment,
#: order, GTIN or lot code is never broken across lines.
PRODUCT_MIN = 30 * mm
PRODUCT = 3


#: Names Windows reserves for devices, with any extension (``CON.pdf`` opens the console).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
             "COM\u00b9", "COM\u00b2", "COM\u00b3", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3"}
#: Longest file name stem kept from a code (file systems allow 255 bytes for the whole name).
_STEM = 60


def _tidy(code: str) -> str:
    """A customer code as a portable file name stem: ASCII letters, digits, ``._-`` only."""
    ascii_form = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_form).strip("._ ")[:_STEM].rstrip("._ ") or "customer"
    if safe.split(".")[0].upper() in _RESERVED:
        safe = f"_{safe}"
    return safe


def _tag(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def letter_files(codes) -> dict[str, str]:
    """The letter file name of every customer code: one distinct file per customer, always.

    A code that is already a portable file name is used as it is (``CU-0042.pdf``). A code
    that had to be changed (``A/B``, accents, look-alikes, ``CON``, a very long code), and
    every code whose name would equal another's ignoring case (Windows and macOS do),
    gets a tag from its own SHA-256 (``A_B-1f3a9c0e.pdf``), so the name does not depend on
    which other customers a recall has. The package's manifest maps customers to files.
    """
    codes = list(dict.fromkeys(codes))
    stems = {code: _tidy(code) for code in codes}
    groups: dict[str, list[str]] = {}
    for code, stem in stems.items():
        groups.setdefault(stem.casefold(), []).append(code)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for code, stem in stems.items():
        if stem != code or len(groups[stem.casefold()]) > 1:
            stem = f"{stem}-{_tag(code)}"
        name, n = f"{stem}.pdf", 1
        while name.casefold() in taken:  # two tags alike: not in this universe, but never overwrite
            n += 1
            name = f"{stem}-{n}.pdf"
        taken.add(name.casefold())
        names[code] = name
    return names


def letter_file_name(customer_code: str) -> str:
    """The letter file name of a customer code on its own (``letter_files`` for a recall)."""
    return letter_files([customer_code])[customer_code]


def _span(lines) -> str:
    first = min(ln.shipped_at for ln in lines)
    last = max(ln.shipped_at for ln in lines)
    if first.date() == last.date():
        return f"on {ps.long_day(first)}"
    return f"between {ps.long_day(first)} and {ps.long_day(last)}"


@lru_cache(maxsize=64)
def _shared(markup: str, style: str) -> ps.FixedParagraph:
    """A paragraph that most letters of a recall share word for word (the date, the line
    naming the products), parsed once and drawn once per process."""
    return ps.FixedParagraph(markup, ps.styles()[style])


@lru_cache(maxsize=1)
def _alert():
    return ps.FixedParagraph("URGENT: PRODUCT RECALL", ps.styles()["alert"])


@lru_cache(maxsize=8)
def _fixed_parts(reference: str, letterhead: Letterhead) -> tuple:
    """The part of the letter that is the same for every customer (built once per recall)."""
    st = ps.styles()
    t = ps.text
    P = ps.FixedParagraph  # noqa: N806
    parts: list = [P("What to do now", st["h2"])]
    steps = [
        ("Stop selling, using and shipping these lots at once. Set all remaining stock aside, "
        "clearly marked <b>“On hold: recall”</b>."),
        ("Count the stock of each lot you still hold and tell us within 48 hours, even if you hold none, "
        f"quoting our reference {t(reference)}."),
        "Do not destroy the product. We will collect it, and credit or replace every unit returned.",
        "If you have passed any of these lots on to your own customers, send them this notice without delay.",
    ]
    parts += [P(s, st["bullet"], bulletText=f"{i}.") for i, s in enumerate(steps, start=1)]
    contact = letterhead.recall_contact or letterhead.name
    reach = " or ".join(t(together(x)) for x in (letterhead.recall_phone or letterhead.phone,
                                                  letterhead.recall_email or letterhead.email) if x)
    parts += [
        None,  # a fresh CondPageBreak per letter (see ``letter_story``)
        P("Whom to call", st["h2"]),
        P(f"{t(contact)} coordinates this recall and will answer your questions: {reach}.", st["body"]),
        P("We apologise for the inconvenience and thank you for your prompt help in protecting consumers.",
          st["body"]),
        P("Yours sincerely,", st["body"]),
        None,  # a fresh Spacer per letter
        P(f"{t(contact)}<br/>{t(letterhead.name)}", st["address"]),
    ]
    return tuple(parts)


def letter_story(recall, customer, letterhead: Letterhead, first: bool = True) -> list:
    """The flowables of one customer's letter (starts a new numbered section)."""
    st = ps.styles()
    t = ps.text
    name = customer.display_name
    story = ps.new_section(customer.customer, f"Recall notice {recall.reference} · {name}", first=first)
    story.append(_shared(ps.long_day(recall.created_at), "right"))
    story.append(Spacer(1, 4 * mm))
    story.append(ps.TextLines([(name, ps.BOLD), *((ln, ps.FONT) for ln in _addressed(customer.contact,
                                                                                      customer.address))],
                              st["address"]))
    story.append(Spacer(1, 6 * mm))
    story.append(_alert())
    items = sorted({(ln.item, ln.item_name or ln.item) for ln in customer.lines})
    what = ", ".join(together(n) for _, n in items)
    story.append(_shared(f"<b>Recall of {t(what)}</b> &nbsp;·&nbsp; our reference {t(recall.reference)}", "body"))
    story.append(ps.TextLines([(f"Dear {customer.contact or 'Customer'},", ps.FONT)], st["body"]))
    reason = (f" The reason: {recall.reason.rstrip('.')}." if recall.reason
              else " We have found that they may not meet our safety and quality standards.")
    said = (f"{letterhead.name} is recalling the product lots listed below.{reason} "
            f"Our records show that {name} received these lots from us {_span(customer.lines)}:")
    story.append(ps.TextLines([(said, ps.FONT)], st["body"]))
    facts = _facts_of(recall)
    codes = [(ps.day(ln.shipped_at), ln.shipment, ln.order_ref or "", shelf_code(facts.gtins.get(ln.item)), ln.lot,
              ps.day(facts.best_by.get(ln.lot_id)), f"{ps.qty(ln.quantity)} {ln.unit}") for ln in customer.lines]
    rows = [(*c[:3], _product(ln), *c[3:]) for c, ln in zip(codes, customer.lines, strict=True)]
    totals = customer.quantities()
    bold = []
    for unit, total in sorted(totals.items()):
        bold.append(len(rows))
        rows.append(("Total", "", "", "", "", "", "", f"{ps.qty(total)} {unit}"))
        codes.append(("Total", "", "", "", "", "", f"{ps.qty(total)} {unit}"))
    story.append(ps.LineTable(LINE_HEADER, rows, _line_widths(codes, customer.lines, letterhead), right=(7,),
                              bold_rows=bold))
    # Shared paragraphs are reused as they are; spacers and the page-break condition are
    # made anew, since platypus keeps state on those between uses. The closing stays
    # together (with the signature) through the CondPageBreak, without KeepTogether's
    # second layout pass.
    fresh = iter((CondPageBreak(48 * mm), Spacer(1, 7 * mm)))
    story += [part if part is not None else next(fresh) for part in _fixed_parts(recall.reference, letterhead)]
    return story


def _document(target, recall, letterhead: Letterhead, title: str):
    return ps.document(target, letterhead, title, footer=f"{letterhead.name} · Recall {recall.reference}",
                       subject=f"Product recall {recall.reference}")


def render_letter(recall, customer, letterhead: Letterhead) -> bytes:
    """One customer's letter laid out on its own (the reference for ``write_letters``)."""
    buffer = BytesIO()
    doc = _document(buffer, recall, letterhead, f"Recall notice to {customer.display_name}")
    ps.build(doc, letter_story(recall, customer, letterhead))
    return buffer.getvalue()


@dataclass(frozen=True)
class _Context:
    """What a letter says about the recall itself (all a worker process needs of it)."""

    reference: str
    created_at: datetime
    reason: str | None
    #: Item code -> GTIN, lot id -> best-by (expiry) date: how retailers find the product.
    gtins: dict = field(default_factory=dict)
    best_by: dict = field(default_factory=dict)


def context_of(recall) -> _Context:
    """The letters' view of a recall (a ``_Context`` stays as it is)."""
    if isinstance(recall, _Context):
        return recall
    gtins = {code: info.gtin for code, info in recall.items.items() if getattr(info, "gtin", None)}
    best_by = {lot.lot_id: lot.expires_at for lot in recall.affected if lot.expires_at is not None}
    return _Context(recall.reference, recall.created_at, recall.reason, gtins, best_by)


_facts_of = context_of


def shelf_code(gtin: str | None) -> str:
    """A GTIN as printed on the shelf's product: a GTIN-14 with two leading zeros is the
    12-digit UPC-A, with one an EAN-13; otherwise the GTIN as stored."""
    if not gtin:
        return ""
    digits = gtin.strip()
    if len(digits) == 14 and digits.isdigit():
        if digits.startswith("00"):
            return digits[2:]
        if digits.startswith("0"):
            return digits[1:]
    return digits


_TOGETHER = re.compile(r"(?<=[\d)]) (?=[x×\d(]|(?:g|kg|mg|ml|l|oz|lb|cs|ct)\b)|(?<=[x×+]) (?=[\d(])")


def together(value: str) -> str:
    """Spaces inside a pack size or phone number made non-breaking ("6 x 500 g",
    "+1 507 555 0147"), so a line never ends inside one."""
    return _TOGETHER.sub("\u00a0", value)


def _product(line) -> str:
    return f"{line.item}\n{together(line.item_name)}" if line.item_name else line.item


def _line_widths(codes: list[tuple], lines, letterhead: Letterhead) -> tuple[float, ...]:
    """Column widths: each code column as wide as its widest value or header word, the
    product column the rest of the frame (see PRODUCT_MIN)."""
    frame = ps.frame_width(letterhead)
    pad = 2 * ps.CELL_PAD + 1
    header = [h for i, h in enumerate(LINE_HEADER) if i != PRODUCT]
    widths = []
    for i, title in enumerate(header):
        words = max(ps.string_width(w, ps.BOLD) for w in title.split())
        values = max((ps.string_width(c[i], ps.BOLD) for c in codes), default=0.0)
        widths.append(max(words, values) + pad)
    item_codes = max((ps.string_width(ln.item) for ln in lines), default=0.0) + pad
    product = max(PRODUCT_MIN, item_codes, frame - sum(widths))
    return (*widths[:PRODUCT], product, *widths[PRODUCT:])


_ATTN = re.compile(r"^\s*(attn|attention|c/o)\b[:.]?\s*", re.IGNORECASE)


def _addressed(contact: str | None, address: str | None) -> list[str]:
    """The address block's lines with the contact's "Attn:" line once: a customer address
    that already holds one ("Attn: Receiving Dock") gets the contact's name in it."""
    lines = [ln.strip() for ln in (address or "").splitlines() if ln.strip()]
    attn = next((i for i, ln in enumerate(lines) if _ATTN.match(ln)), None)
    if contact:
        if attn is None:
            lines.insert(0, f"Attn: {contact}")
        elif contact.casefold() not in lines[attn].casefold():
            rest = _ATTN.sub("", lines[attn])
            lines[attn] = f"Attn: {contact}, {rest}" if rest else f"Attn: {contact}"
    return lines


def _lay_out(job: tuple) -> list[ps.PageRecord]:
    """Lay out the letters of some customers; write each one's file; return their pages."""
    context, letterhead, customers, folder, names = job
    story: list = []
    for i, customer in enumerate(customers):
        story += letter_story(context, customer, letterhead, first=i == 0)
    doc = _document(BytesIO(), context, letterhead, f"Recall notices {context.reference}")
    pages = ps.build_sections(doc, story, write=False)  # only the pages are wanted, not this document
    sections = ps.by_section(pages)
    for customer in customers:
        ps.pages_pdf(Path(folder) / names[customer.customer], sections[customer.customer], letterhead,
                     f"Recall notice to {customer.display_name}", f"Product recall {context.reference}")
    return pages


#: Customers per unit of work, and from how many customers worker processes pay off.
CHUNK = 40
PARALLEL_FROM = 120


def workers() -> int:
    """Worker processes worth starting: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def process_pool():
    """A process pool that is safe to start from a thread of a GUI (forkserver, not fork).

    The workers import the report modules once, when the fork server starts.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # What the jobs run and the records they receive; not the recall engine, whose
        # database layer (a second of imports) no worker needs.
        ctx.set_forkserver_preload(["workbench.recall.records", "workbench.reports.package"])
    # A started worker imports the parent's main module again (the ``workbench`` command,
    # and with it every command and the database layer: a second or more per worker).
    # The jobs are functions of the report modules, never of the main module: the workers
    # are started without it.
    main = sys.modules.get("__main__")
    saved = dict(main.__dict__) if main is not None else {}
    if main is not None:
        main.__dict__.pop("__file__", None)
        main.__dict__["__spec__"] = None
    try:
        return ctx.Pool(workers())
    finally:
        if main is not None:
            for key in ("__file__", "__spec__"):
                if key in saved:
                    main.__dict__[key] = saved[key]


def write_letters(recall, letterhead: Letterhead, out_dir: Path, progress=None,
                  parallel: bool | None = None, pool=None, names: dict[str, str] | None = None) -> list[Path]:
    """Write ``letters/CUSTOMER.pdf`` for each customer and ``letters.pdf`` with all of them.

    Letters are laid out in chunks of customers, on worker processes when there are many
    (``parallel``: None decides by count). Each chunk writes its customers' files from the
    pages it recorded, and ``letters.pdf`` is assembled from all recorded pages, without
    a second layout (``pdfstyle.pages_pdf``). A cancel between chunks stops the workers.
    """
    folder = Path(out_dir) / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    customers = list(recall.customers)
    names = names or letter_files(c.customer for c in customers)
    context = context_of(recall)
    jobs = [(context, letterhead, tuple(customers[i : i + CHUNK]), str(folder),
             {c.customer: names[c.customer] for c in customers[i : i + CHUNK]})
            for i in range(0, len(customers), CHUNK)]
    n = max(1, len(customers))
    pages: list[ps.PageRecord] = []
    report(progress, 0.0, f"Letters for {len(customers):,} customers")
    if parallel is None:
        parallel = pool is not None or (len(customers) >= PARALLEL_FROM and workers() > 1)
    if parallel:
        own = pool is None
        pool = pool or process_pool()
        try:
            for i, chunk in enumerate(pool.imap(_lay_out, jobs)):
                pages += chunk
                done = min(n, (i + 1) * CHUNK)
                report(progress, 0.9 * done / n, f"Letter {done:,} of {n:,}")
        finally:
            if own:
                pool.terminate()  # also stops the workers at once on a cancel or an error
    else:
        for i, job in enumerate(jobs):
            report(progress, 0.9 * i * CHUNK / n, f"Letter {i * CHUNK + 1:,} of {n:,}")
            pages += _lay_out(job)
    report(progress, 0.9, "Letters for printing")
    all_path = Path(out_dir) / "letters.pdf"
    title = f"Recall notices {recall.reference}"
    if pages:
        ps.pages_pdf(all_path, pages, letterhead, title, f"Product recall {recall.reference}")
    else:
        st = ps.styles()
        ps.build(_document(str(all_path), recall, letterhead, title),
                 [Paragraph("No customer received an affected lot: there is no letter to send.", st["body"])])
    report(progress, 1.0, "Letters written")
    return [*(folder / names[c.customer] for c in customers), all_path]
