"""The text encoding of an EPCIS file: UTF-8 as the reader takes it, whatever Unicode form the file was saved in.

JSON exchanged between systems must be UTF-8 (RFC 8259), but Windows tools (PowerShell's ``Out-File``, Notepad's
"Unicode") save UTF-16 with a byte-order mark, and XML may be in any Unicode form it declares. Such a file is turned
into UTF-8 here, before anything else looks at it, so that every check (unsafe characters, entities, the format by
content) sees the same text whatever the file's form. The form is found by its byte-order mark, else by where the
zero bytes of its first characters fall (RFC 4627, section 3: the first two characters of JSON and XML are ASCII).
An XML declaration that names the old encoding is made to name UTF-8, so the parser reads the new bytes as they are;
line numbers do not move.
"""

from __future__ import annotations

import codecs
import re

#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF8, "utf-8"))
_DECLARED = re.compile(r"""\A(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


def label(encoding: str) -> str:
    """``utf-16-le`` as people name it: UTF-16 (little-endian)."""
    form, _, order = encoding.upper().rpartition("-")
    return f"{form} ({'little' if order == 'LE' else 'big'}-endian)"


class EncodingError(ValueError):
    """The file says (by its mark or its zero bytes) it is in a Unicode form, and its bytes are not that form."""

    def __init__(self, encoding: str, position: int):
        super().__init__(f"the file is not {label(encoding)} text, as its first bytes say (byte {position})")


def unicode_form(data: bytes) -> tuple[str | None, int]:
    """(the encoding of a file that is not plain UTF-8, or None; the length of its byte-order mark)."""
    for mark, encoding in _MARKS:
        if data.startswith(mark):
            return (None if encoding == "utf-8" else encoding), len(mark)
    head = data[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return "utf-32-be", 0
    if len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
        return "utf-32-le", 0
    if len(head) >= 2 and not head[0] and head[1]:
        return "utf-16-be", 0
    if len(head) >= 2 and head[0] and not head[1]:
        return "utf-16-le", 0
    return None, 0


def as_utf8(data: bytes, *, partial: bool = False) -> tuple[bytes, str | None]:
    """(the file's bytes as UTF-8 without a byte-order mark, the encoding it was in when that was not UTF-8).

    ``partial``: ``data`` is only the head of a file (to find its format): a character cut at the end is dropped.
    Raises ``EncodingError`` when the bytes are not the form their start announces.
    """
    encoding, mark = unicode_form(data)
    if encoding is None:
        return data[mark:], None
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(data[mark:], final=not partial)
    except UnicodeDecodeError as e:
        raise EncodingError(encoding, e.start + mark) from None
    text = _DECLARED.sub(r"\1\2UTF-8\2", text, count=1)
    return text.encode("utf-8"), encoding
