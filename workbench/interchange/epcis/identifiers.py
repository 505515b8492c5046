"""Every identifier form EPCIS documents use, resolved to one typed ``Identifier`` with a canonical key.

Forms: EPC URNs (``urn:epc:id:sgtin:…``, ``urn:epc:class:lgtin:…``, ``urn:epc:idpat:sgtin:…`` and the
other TDS schemes), GS1 Digital Link URIs on any host (``https://example.com/01/…/10/…``), GDST URNs
(``urn:gdst:example.org:product:lot:class:…``) and any other URI, kept as its own identity.

The canonical key of a GS1 identifier is its *constrained canonical GS1 Digital Link URI* (CBV 2.0
"Event Hash ID": host ``id.gs1.org``, GTIN padded to 14 digits, no query string, no CPV, the finest
level only), so an SGTIN written as an EPC URN and as a Digital Link compare equal, and the event hash
uses the same form. Values inside a key (lot, serial) are percent-decoded in the fields and
re-encoded in the key the way the GS1 reference implementation does.

Check digits are computed, and checked in Digital Link URIs. A malformed GS1 identifier (wrong
length, wrong check digit) still resolves, with its scheme and a ``problem`` sentence, so a reader can
warn and keep the record; ``parse_identifier(..., require_gs1=True)`` refuses it.

epcpy (Nedap's TDS library) was considered: it parses EPC URNs well, but has no Digital Link or
ID-pattern class parsing, no canonical Digital Link form for the hash, and costs ~10 µs per URN
against ~2 µs here; it serves in the tests as a reference for the URN arithmetic instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import quote, unquote

from biip.checksums import gs1_standard_check_digit

from workbench.interchange.epcis.records import record


class Scheme(StrEnum):
    """What an identifier names. GS1 schemes use the TDS names; the others say who defines them."""

    SGTIN = "sgtin"  # one serialised trade item: GTIN + serial
    LGTIN = "lgtin"  # a lot of a trade item: GTIN + lot
    GTIN = "gtin"  # a trade item class, no lot (ID pattern ``.*`` or Digital Link ``/01/`` alone)
    SSCC = "sscc"  # a logistic unit (pallet, case)
    SGLN = "sgln"  # a location: GLN + optional extension
    PGLN = "pgln"  # a party
    GRAI = "grai"
    GIAI = "giai"
    GDTI = "gdti"
    GSRN = "gsrn"
    GSRNP = "gsrnp"
    SGCN = "sgcn"
    GINC = "ginc"
    GSIN = "gsin"
    CPI = "cpi"
    ITIP = "itip"
    UPUI = "upui"
    GDST_LOT = "gdst-lot"  # urn:gdst:<domain>:product:lot:class:<company>.<product>.<lot>
    GDST_PRODUCT = "gdst-product"  # urn:gdst:<domain>:product:class:<company>.<product>
    GDST_LOCATION = "gdst-location"
    GDST_PARTY = "gdst-party"
    GEO = "geo"
    URI = "uri"  # any other URI: its text is its identity


GS1_SCHEMES = frozenset(s for s in Scheme if not s.value.startswith("gdst") and s not in (Scheme.GEO, Scheme.URI))
CLASS_SCHEMES = frozenset({Scheme.LGTIN, Scheme.GTIN, Scheme.GDST_LOT, Scheme.GDST_PRODUCT})


class IdentifierError(ValueError):
    """The text is not an identifier of the form the caller needs (one sentence, without the place)."""


@record
@dataclass(slots=True, frozen=True)
class Identifier:
    """A parsed identifier. ``key`` is the identity to compare and store; ``raw`` is the text as given.

    ``dl`` is the constrained canonical Digital Link when the text is a GS1 key, else None.
    ``product`` is the class without its lot (GTIN Digital Link, or the GDST product class URN).
    """

    raw: str
    scheme: Scheme
    key: str
    dl: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    sscc: str | None = None
    gln: str | None = None
    extension: str | None = None
    product: str | None = None
    problem: str | None = None

    @property
    def is_gs1(self) -> bool:
        """A well-formed GS1 key (check digits right)."""
        return self.scheme in GS1_SCHEMES and self.problem is None

    @property
    def is_class(self) -> bool:
        """Names a class or lot of objects (quantityList epcClass), not one object."""
        return self.scheme in CLASS_SCHEMES

    def __str__(self) -> str:
        return self.raw


# Characters a Digital Link value keeps as they are; everything else is percent-encoded (as the GS1
# reference implementation writes it: ``!`` ``(`` ``)`` ``*`` ``+`` ``,`` ``:`` and the URN escapes).
_DL_SAFE = "-._';="
_GS3A3 = re.compile(r"(?:%[0-9A-Fa-f]{2}|[!'()*+,\-.0-9:;=A-Z_a-z])*")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


_PLAIN = re.compile(r"[A-Za-z0-9\-._]*")


@lru_cache(maxsize=1 << 14)
def check_digit(digits: str) -> str:
    """The GS1 standard check digit (mod 10, weights 3-1 from the right) of a GTIN/GLN/SSCC body (via biip)."""
    return str(gs1_standard_check_digit(digits))


def dl_encode(value: str) -> str:
    return value if _PLAIN.fullmatch(value) else quote(value, safe=_DL_SAFE)


def _gs1(raw: str, scheme: Scheme, dl: str | None, problem: str | None = None, **fields: str | None) -> Identifier:
    return Identifier(raw=raw, scheme=scheme, key=dl or raw, dl=dl, problem=problem, **fields)


def _malformed(raw: str, scheme: Scheme, why: str) -> Identifier:
    return Identifier(raw=raw, scheme=scheme, key=raw, problem=f"{raw} is not a valid {scheme.value.upper()}: {why}")


# ---- EPC URNs -------------------------------------------------------------------------------------

def _split(body: str, parts: int) -> list[str] | None:
    pieces = body.split(".", parts - 1)
    return pieces if len(pieces) == parts else None


def _company_ref(raw: str, scheme: Scheme, cp: str, ref: str, total: int) -> str | None:
    """Why the company prefix + reference is malformed, or None when it is right."""
    if not (cp.isdigit() and 6 <= len(cp) <= 12):
        return f"the company prefix {cp!r} must be 6 to 12 digits"
    if not (ref == "" or ref.isdigit()) or len(cp) + len(ref) != total:
        return f"company prefix and reference have {len(cp) + len(ref)} digits, not {total}"
    return None


def _value(raw: str, scheme: Scheme, text: str, limit: int) -> tuple[str | None, str | None]:
    """(decoded value, problem) of a URN component in the GS1 character set."""
    value = unquote(text) if "%" in text else text
    if not text or len(value) > limit or not _GS3A3.fullmatch(text):
        return None, f"{text!r} is not 1 to {limit} characters of the GS1 URN character set"
    return value, None


_SCHEMES = {s.value: s for s in Scheme}


@lru_cache(maxsize=1 << 14)
def _gtin(cp: str, itemref: str) -> str:
    body = itemref[:1] + cp + itemref[1:]
    return body + check_digit(body)


def _epc_urn(raw: str, kind: str, scheme_name: str, body: str) -> Identifier:
    scheme = _SCHEMES.get(scheme_name)
    if scheme is None:
        return Identifier(raw=raw, scheme=Scheme.URI, key=raw)
    pattern = kind == "idpat"
    if (kind == "class" and scheme is not Scheme.LGTIN) or (kind == "id" and scheme in (Scheme.LGTIN, Scheme.GTIN)):
        return Identifier(raw=raw, scheme=Scheme.URI, key=raw)
    base = "https://id.gs1.org"

    if scheme in (Scheme.SGTIN, Scheme.LGTIN, Scheme.UPUI):
        parts = _split(body, 3)
        if parts is None:
            return _malformed(raw, scheme, "it needs company prefix, item reference and a serial or lot")
        cp, itemref, tail = parts
        if why := _company_ref(raw, scheme, cp, itemref, 13):
            return _malformed(raw, scheme, why)
        gtin = _gtin(cp, itemref)
        product = f"{base}/01/{gtin}"
        if pattern:
            if tail != "*" or scheme is not Scheme.SGTIN:
                return Identifier(raw=raw, scheme=Scheme.URI, key=raw)
            return _gs1(raw, Scheme.GTIN, product, gtin=gtin, product=product)
        value, why = _value(raw, scheme, tail, 28 if scheme is Scheme.UPUI else 20)
        if value is None:
            return _malformed(raw, scheme, why or "")
        if scheme is Scheme.LGTIN:
            return _gs1(raw, scheme, f"{product}/10/{dl_encode(value)}", gtin=gtin, lot=value, product=product)
        ai = "235" if scheme is Scheme.UPUI else "21"
        return _gs1(raw, scheme, f"{product}/{ai}/{dl_encode(value)}", gtin=gtin, serial=value, product=product)

    if scheme is Scheme.SSCC:
        parts = _split(body, 2)
        if parts is None or (why := _company_ref(raw, scheme, parts[0], parts[1], 17)):
            return _malformed(raw, scheme, (why or "") if parts else "it needs company prefix and serial reference")
        cp, ref = parts
        sscc = ref[:1] + cp + ref[1:]
        sscc += check_digit(sscc)
        return _gs1(raw, scheme, f"{base}/00/{sscc}", sscc=sscc)

    if scheme in (Scheme.SGLN, Scheme.PGLN):
        parts = _split(body, 3 if scheme is Scheme.SGLN else 2)
        if parts is None or (why := _company_ref(raw, scheme, parts[0], parts[1], 12)):
            return _malformed(raw, scheme, (why or "") if parts else "it needs company prefix and location reference")
        gln = parts[0] + parts[1]
        gln += check_digit(gln)
        if scheme is Scheme.PGLN:
            return _gs1(raw, scheme, f"{base}/417/{gln}", gln=gln)
        if pattern:
            return Identifier(raw=raw, scheme=Scheme.URI, key=raw)
        value, why = _value(raw, scheme, parts[2], 20)
        if value is None:
            return _malformed(raw, scheme, why or "")
        ext = None if value == "0" else value
        return _gs1(raw, scheme, f"{base}/414/{gln}" + (f"/254/{dl_encode(ext)}" if ext else ""), gln=gln, extension=ext)

    if scheme in (Scheme.GRAI, Scheme.GDTI, Scheme.SGCN):
        parts = _split(body, 3)
        if parts is None or (why := _company_ref(raw, scheme, parts[0], parts[1], 12)):
            return _malformed(raw, scheme, (why or "") if parts else "it needs company prefix, type and serial")
        key = ("0" if scheme is Scheme.GRAI else "") + parts[0] + parts[1]
        key += check_digit(key)
        ai = {Scheme.GRAI: "8003", Scheme.GDTI: "253", Scheme.SGCN: "255"}[scheme]
        if pattern:
            if parts[2] != "*":
                return Identifier(raw=raw, scheme=Scheme.URI, key=raw)
            return _gs1(raw, scheme, f"{base}/{ai}/{key}")
        value, why = _value(raw, scheme, parts[2], 17 if scheme is Scheme.GDTI else 16 if scheme is Scheme.GRAI else 12)
        if value is None:
            return _malformed(raw, scheme, why or "")
        return _gs1(raw, scheme, f"{base}/{ai}/{key}{dl_encode(value)}", serial=value)

    if scheme in (Scheme.GSRN, Scheme.GSRNP, Scheme.GSIN):
        parts = _split(body, 2)
        total = 16 if scheme is Scheme.GSIN else 17
        if parts is None or (why := _company_ref(raw, scheme, parts[0], parts[1], total)):
            return _malformed(raw, scheme, (why or "") if parts else "it needs company prefix and reference")
        key = parts[0] + parts[1]
        key += check_digit(key)
        ai = {Scheme.GSRN: "8018", Scheme.GSRNP: "8017", Scheme.GSIN: "402"}[scheme]
        return _gs1(raw, scheme, f"{base}/{ai}/{key}")

    if scheme in (Scheme.GIAI, Scheme.GINC):
        parts = _split(body, 2)
        if parts is None or not (parts[0].isdigit() and 6 <= len(parts[0]) <= 12):
            return _malformed(raw, scheme, "it needs a 6 to 12 digit company prefix and a reference")
        value, why = _value(raw, scheme, parts[1], 30 - len(parts[0]))
        if value is None:
            return _malformed(raw, scheme, why or "")
        ai = "8004" if scheme is Scheme.GIAI else "401"
        return _gs1(raw, scheme, f"{base}/{ai}/{parts[0]}{dl_encode(value)}", serial=value)

    if scheme is Scheme.CPI:
        cp, _, rest = body.partition(".")
        cpref, _, serial = rest.rpartition(".")
        if not (cp.isdigit() and 6 <= len(cp) <= 12) or not cpref:
            return _malformed(raw, scheme, "it needs company prefix, component reference and serial")
        ref = f"{base}/8010/{cp}{dl_encode(unquote(cpref))}"
        if pattern:
            return _gs1(raw, scheme, ref) if serial == "*" else Identifier(raw=raw, scheme=Scheme.URI, key=raw)
        if not serial.isdigit():
            return _malformed(raw, scheme, f"the serial {serial!r} must be digits")
        return _gs1(raw, scheme, f"{ref}/8011/{serial}", serial=serial)

    if scheme is Scheme.ITIP:
        parts = _split(body, 5)
        if parts is None or (why := _company_ref(raw, scheme, parts[0], parts[1], 13)):
            return _malformed(raw, scheme, (why or "") if parts else "it needs 5 parts")
        cp, itemref, piece, pieces, tail = parts
        gtin = _gtin(cp, itemref)
        ref = f"{base}/8006/{gtin}{piece}{pieces}"
        if pattern:
            return _gs1(raw, scheme, ref, gtin=gtin) if tail == "*" else Identifier(raw=raw, scheme=Scheme.URI, key=raw)
        value, why = _value(raw, scheme, tail, 20)
        if value is None:
            return _malformed(raw, scheme, why or "")
        return _gs1(raw, scheme, f"{ref}/21/{dl_encode(value)}", gtin=gtin, serial=value)

    return Identifier(raw=raw, scheme=Scheme.URI, key=raw)


# ---- GS1 Digital Link ----------------------------------------------------------------------------

_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017", "gsrn": "8018",
    "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402", "grai": "8003", "giai": "8004",
    "cpv": "22", "lot": "10", "ser": "21", "glnx": "254",
}
_PRIMARY = {
    "00": Scheme.SSCC, "01": Scheme.GTIN, "253": Scheme.GDTI, "255": Scheme.SGCN, "401": Scheme.GINC,
    "402": Scheme.GSIN, "414": Scheme.SGLN, "417": Scheme.PGLN, "8003": Scheme.GRAI, "8004": Scheme.GIAI,
    "8006": Scheme.ITIP, "8010": Scheme.CPI, "8017": Scheme.GSRNP, "8018": Scheme.GSRN,
}
_QUALIFIERS = {"01": ("22", "10", "21", "235"), "8006": ("22", "10", "21"), "414": ("254",), "8010": ("8011",)}
# Fixed-length numeric keys with a check digit at this position (length of the checked part).
_CHECKED = {"00": 18, "01": 14, "414": 13, "417": 13, "8017": 18, "8018": 18, "402": 17}
_DL = re.compile(r"https?://[^/?#]+(/[^?#]*)", re.IGNORECASE)


def _digital_link(raw: str) -> Identifier | None:
    match = _DL.match(raw)
    if match is None:
        return None
    segments = [unquote(s) for s in match.group(1).strip("/").split("/")]
    segments = [_SHORT_NAMES.get(s, s) for s in segments]
    start = next((i for i in range(len(segments) - 1) if segments[i] in _PRIMARY), None)
    if start is None:
        return None
    ai, value = segments[start], segments[start + 1]
    pairs = segments[start + 2:]
    if len(pairs) % 2:
        return None
    qualifiers = dict(zip(pairs[::2], pairs[1::2], strict=True))
    if any(q not in _QUALIFIERS.get(ai, ()) for q in qualifiers):
        return None
    if ai == "01" and value.isdigit() and len(value) in (8, 12, 13):
        value = value.zfill(14)
    problem = None
    length = _CHECKED.get(ai)
    checked = value[:length] if length else ""
    if ai in ("253", "255"):
        checked = value[:13]
    elif ai in ("8003", "8006"):
        checked = value[:14]
    if checked and (len(checked) != (length or len(checked)) or not checked.isdigit() or (length and len(value) != length)):
        problem = f"{raw} is not a valid Digital Link: /{ai}/ needs {length or len(checked)} digits, not {value!r}"
    elif checked and check_digit(checked[:-1]) != checked[-1]:
        problem = f"{raw} has a wrong check digit: {checked[:-1]}{check_digit(checked[:-1])} would be right"
    base = f"https://id.gs1.org/{ai}/{dl_encode(value)}"
    scheme = _PRIMARY[ai]
    fields: dict[str, str | None] = {}
    if ai == "01":
        fields["gtin"] = value
        fields["product"] = base
        if "21" in qualifiers:
            scheme, fields["serial"] = Scheme.SGTIN, qualifiers["21"]
            dl = f"{base}/21/{dl_encode(qualifiers['21'])}"
        elif "235" in qualifiers:
            scheme, fields["serial"] = Scheme.UPUI, qualifiers["235"]
            dl = f"{base}/235/{dl_encode(qualifiers['235'])}"
        elif "10" in qualifiers:
            scheme, fields["lot"] = Scheme.LGTIN, qualifiers["10"]
            dl = f"{base}/10/{dl_encode(qualifiers['10'])}"
        else:
            dl = base
    elif ai == "8006":
        fields["gtin"] = value[:14]
        dl = base + (f"/21/{dl_encode(qualifiers['21'])}" if "21" in qualifiers else
                     f"/10/{dl_encode(qualifiers['10'])}" if "10" in qualifiers else "")
    elif ai == "414":
        fields["gln"] = value
        ext = qualifiers.get("254")
        fields["extension"] = None if ext in (None, "0") else ext
        dl = base + (f"/254/{dl_encode(ext)}" if ext not in (None, "0") else "")
    elif ai == "8010":
        dl = base + (f"/8011/{qualifiers['8011']}" if "8011" in qualifiers else "")
    else:
        dl = base
        if ai == "00":
            fields["sscc"] = value
        elif ai == "417":
            fields["gln"] = value
    return _gs1(raw, scheme, dl, problem, **fields)


# ---- GDST and others ------------------------------------------------------------------------------

_GDST = re.compile(r"urn:gdst:([^:]+):(product:lot:class|product:class|location:loc|party):(.+)", re.IGNORECASE)


def _gdst(raw: str) -> Identifier | None:
    match = _GDST.fullmatch(raw)
    if match is None:
        return None
    domain, kind, rest = match.groups()
    kind = kind.lower()
    if kind == "product:lot:class":
        company, _, tail = rest.partition(".")
        product, _, lot = tail.partition(".")
        if not (company and product and lot):
            return Identifier(raw=raw, scheme=Scheme.GDST_LOT, key=raw,
                              problem=f"{raw} is not a GDST lot class: it needs <company>.<product>.<lot>")
        return Identifier(raw=raw, scheme=Scheme.GDST_LOT, key=raw, lot=lot,
                          product=f"urn:gdst:{domain}:product:class:{company}.{product}")
    scheme = {"product:class": Scheme.GDST_PRODUCT, "location:loc": Scheme.GDST_LOCATION, "party": Scheme.GDST_PARTY}[kind]
    return Identifier(raw=raw, scheme=scheme, key=raw, product=raw if scheme is Scheme.GDST_PRODUCT else None)


@lru_cache(maxsize=1 << 12)
def _parse(text: str) -> Identifier:
    lowered = text[:16].lower()
    if lowered.startswith("urn:epc:"):
        head, _, body = text.partition(":")[2].partition(":")[2].partition(":")
        kind = head.lower()
        scheme, _, rest = body.partition(":")
        if kind in ("id", "class", "idpat") and rest:
            return _epc_urn(text, kind, scheme.lower(), rest)
        return Identifier(raw=text, scheme=Scheme.URI, key=text)
    if lowered.startswith("http"):
        found = _digital_link(text)
        if found is not None:
            return found
    elif lowered.startswith("urn:gdst:"):
        found = _gdst(text)
        if found is not None:
            return found
    elif lowered.startswith("geo:"):
        return Identifier(raw=text, scheme=Scheme.GEO, key=text)
    return Identifier(raw=text, scheme=Scheme.URI, key=text)


def parse_identifier(text: str, require_gs1: bool = False) -> Identifier:
    """Resolve an identifier in any form; raise IdentifierError when it is no URI (or no valid GS1 key, if required).

    Surrounding whitespace is ignored (EPCIS XML often has it); the text inside is kept exactly.
    """
    found = _checked(text)
    if found is None:
        stripped = text.strip()
        raise IdentifierError(f"{text!r} is not a URI" if stripped else "the identifier is empty")
    if require_gs1:
        if found.problem:
            raise IdentifierError(found.problem)
        if found.scheme not in GS1_SCHEMES:
            raise IdentifierError(f"{found.raw} is not a GS1 identifier (EPC URN or GS1 Digital Link)")
    return found


@lru_cache(maxsize=1 << 16)
def _checked(text: str) -> Identifier | None:
    """The identifier of a text as given (one cache lookup per call on the hot path), None when it is no URI."""
    stripped = text.strip()
    if not _URI.fullmatch(stripped):
        return None
    return _parse(stripped)


def canonical_value(text: str) -> str | None:
    """The constrained canonical Digital Link of a value that is a GS1 key in any form, else None (for the hash)."""
    stripped = text.strip()
    lowered = stripped[:8].lower()
    if not lowered.startswith(("urn:epc:", "http")):
        return None
    return _parse(stripped).dl
