"""Upload checks for photos and documents.

Pillow is made strict: a decompression bomb raises instead of warning, the
pixel count is checked before decoding, the image is fully loaded (a
truncated file fails) and re-encoded as JPEG under a random name, which also
drops EXIF and anything smuggled after the image data.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = (360, 360)
FULL_SIZE = (1600, 1600)
DOCUMENT_SIZE = (2400, 2400)  # certificates stay readable
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def _too_big(upload, limit):
    return upload.size is not None and upload.size > limit


def open_checked_image(upload) -> Image.Image:
    """Open an uploaded image or raise ValidationError with a user-facing message."""
    max_bytes = settings.MAX_PHOTO_BYTES
    if _too_big(upload, max_bytes):
        raise ValidationError(
            _("Foto terlalu besar (maksimal %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(_("Format foto harus JPEG, PNG, WEBP atau GIF."), code="format")
            width, height = image.size
            if width * height > settings.MAX_PHOTO_PIXELS:
                raise ValidationError(
                    _("Resolusi foto terlalu besar (%(w)s×%(h)s piksel).") % {"w": width, "h": height},
                    code="too_many_pixels",
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("Foto ditolak: ukuran piksel tidak wajar."), code="bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("Berkas bukan foto yang valid atau rusak."), code="invalid") from None
    return image


def _encode(image: Image.Image, size) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    image = image.convert("RGB")
    image.thumbnail(size)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def process_photo(upload) -> tuple[ContentFile, ContentFile]:
    """Validate an upload and return (full image, thumbnail) as JPEG files with random names."""
    image = open_checked_image(upload)
    stem = uuid.uuid4().hex
    full = ContentFile(_encode(image, FULL_SIZE), name=f"{stem}.jpg")
    thumb = ContentFile(_encode(image, THUMB_SIZE), name=f"{stem}-t.jpg")
    return full, thumb


DOCUMENT_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def validate_document(upload) -> None:
    """A supporting document must be a PDF, JPEG or PNG within the size limit."""
    if _too_big(upload, settings.MAX_DOCUMENT_BYTES):
        raise ValidationError(
            _("Dokumen terlalu besar (maksimal %(mb)s MB).")
            % {"mb": settings.MAX_DOCUMENT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(DOCUMENT_SIGNATURES):
        raise ValidationError(_("Dokumen harus berupa PDF atau gambar (JPEG/PNG)."))
    if not head.startswith(b"%PDF-"):
        open_checked_image(upload)
        upload.seek(0)


def process_document(upload) -> ContentFile:
    """Validate a document and return it under a random name.

    PDFs are stored as uploaded (``.pdf``); images are re-encoded as JPEG like
    photos, which drops EXIF and anything appended to the image data.
    """
    validate_document(upload)
    stem = uuid.uuid4().hex
    upload.seek(0)
    if upload.read(5) == b"%PDF-":
        upload.seek(0)
        return ContentFile(upload.read(), name=f"{stem}.pdf")
    image = open_checked_image(upload)
    return ContentFile(_encode(image, DOCUMENT_SIZE), name=f"{stem}.jpg")
