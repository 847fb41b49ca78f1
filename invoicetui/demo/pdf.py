"""A minimal, valid one-page PDF written by hand: the demo's Palette reports need no library.

One page, Helvetica (a standard font every reader has), text lines drawn top-down, and a
correct cross-reference table, so pdftotext and any viewer read it back. The output depends
only on the lines given: the same invoice always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_LEFT, _TOP, _LEADING = 56, 780, 16


def _escape(line: str) -> str:
    """A PDF literal string: ASCII only (safe in any encoding), ( ) and backslash escaped."""
    ascii_only = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in line)
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(title: str, lines: Sequence[str]) -> bytes:
    ops = ["BT", f"/F1 16 Tf {_LEFT} {_TOP} Td ({_escape(title)}) Tj", "/F1 11 Tf"]
    for index, line in enumerate(lines):
        # The first line drops a little more below the larger title.
        ops.append(f"0 -{_LEADING + (8 if index == 0 else 0)} Td ({_escape(line)}) Tj")
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")


def build_pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page PDF 1.4 document showing `title` then `lines` (non-ASCII shows as '?')."""
    stream = _content(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ).encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title ({_escape(title)}) /Producer (invoicetui demo) >>".encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # the binary comment marks it as binary
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"  # each entry is exactly 20 bytes, EOL included
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
