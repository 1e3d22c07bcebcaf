"""Small generated documents for the demo: certificates and delivery notes.

The demo needs real files in the private storage (the admin, the vendor's
document page and the order page all link them), but nothing heavy: a one-page
PDF of a few text lines is under 2 KB, a certificate scan a small JPEG.
Both pass the same content check as uploads (``catalog.images.validate_document``).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont


def _pdf_text(value: str) -> str:
    # Helvetica in a plain PDF speaks Latin-1; escape PDF string delimiters.
    value = value.encode("latin-1", "replace").decode("latin-1")
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page A4 PDF with a title and text lines (correct cross-reference table)."""
    text = ["BT", "/F1 16 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        text += [f"({_pdf_text(line)}) Tj", "0 -16 Td"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_scan(title: str, lines: list[str], colour: tuple[int, int, int] = (21, 128, 61)) -> bytes:
    """A small JPEG that looks like a scanned certificate."""
    image = Image.new("RGB", (640, 452), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    try:
        big, small = ImageFont.load_default(size=28), ImageFont.load_default(size=18)
    except (TypeError, OSError):  # Pillow without FreeType
        big = small = ImageFont.load_default()
    draw.rectangle((12, 12, 627, 439), outline=colour, width=6)
    draw.text((40, 40), title, fill=colour, font=big)
    for i, line in enumerate(lines):
        draw.text((40, 110 + 30 * i), line, fill=(31, 41, 55), font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()
