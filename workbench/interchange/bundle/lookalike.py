"""Codes that differ only by letter case, Unicode normalisation or look-alike characters.

``FLOUR`` and ``ＦＬＯＵＲ`` (full-width), ``Café`` composed and decomposed, ``flour`` and
``FLOUR``, ``FLOUR`` and ``FLОUR`` with a Cyrillic О: each pair is two codes to the
database and one to a reader. The import names such a pair as a warning (they may be two
real codes, but usually one is a typo that splits a lot's history in two).

Two comparisons:

* *folded*: Unicode NFKC normalisation and case folding (``NFKC(casefold(NFKC(code)))``);
* *skeleton*: the folded code with every non-ASCII character that Unicode lists as
  confusable with an ASCII letter or digit replaced by that character. The list is
  Unicode's confusables data (UTS #39) as shipped by the ``confusable-homoglyphs``
  package. ASCII characters are left as they are: ``0``/``O`` or ``1``/``l`` in plain
  ASCII codes are common and visible, so they are not reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

_MARKS = "\u200e\u200f"


def fold(code: str) -> str:
    """NFKC and case folding: what a reader would take for the same code."""
    if code.isascii():
        return code.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", code).casefold())


@cache
def _to_ascii() -> dict[int, str]:
    """Non-ASCII character -> the ASCII letter or digit it is confusable with (folded)."""
    from confusable_homoglyphs.confusables import confusables_data  # 900 kB of JSON: only when needed

    table: dict[int, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = sorted({g["c"].strip(_MARKS) for g in glyphs} & _ASCII_ALNUM)
        if targets:
            table[ord(char)] = targets[0].lower()
    return table


_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def skeleton(code: str) -> str:
    """``fold(code)`` with look-alikes of ASCII letters and digits replaced by them."""
    folded = fold(code)
    if folded.isascii():
        return folded
    return fold(folded.translate(_to_ascii()))


@dataclass(frozen=True)
class Collision:
    code: str
    other: str
    #: "case" (letter case or normalisation) or "look-alike".
    how: str


def collisions(new: Iterable[str], existing: Iterable[str] = ()) -> list[Collision]:
    """Each code of ``new`` that differs from an ``existing`` code, or an earlier code of
    ``new``, only by case, normalisation or look-alikes. Equal codes are not collisions."""
    new = list(dict.fromkeys(new))
    existing = list(dict.fromkeys(existing))
    if not new:
        return []
    everything = existing + new
    if len({c.lower() for c in everything}) == len(set(everything)) and "".join(everything).isascii():
        return []  # the common case, at C speed: no two codes differ only in case
    found: list[Collision] = []
    by_fold: dict[str, str] = {}
    for code in existing:
        by_fold.setdefault(fold(code), code)
    by_skeleton: dict[str, str] = dict(by_fold)
    for code in existing:
        if not code.isascii():
            by_skeleton.setdefault(skeleton(code), code)
    for code in new:
        f = fold(code)
        other = by_fold.setdefault(f, code)
        if other != code:
            found.append(Collision(code, other, "case"))
            continue
        other = by_skeleton.setdefault(f if code.isascii() else skeleton(code), code)
        if other != code:
            found.append(Collision(code, other, "look-alike"))
    return found


def differing(code: str, other: str) -> str:
    """The non-ASCII characters of either code, named (``U+0421 CYRILLIC CAPITAL LETTER ES``)."""
    chars = dict.fromkeys(ch for ch in code + other if not ch.isascii())
    names = [f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip() for ch in list(chars)[:3]]
    return ", ".join(names)
