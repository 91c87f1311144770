"""Files attached to a case: checked by their content, stored privately under a random name."""

import io
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from . import workflow
from .models import Attachment, private_storage, random_attachment_name

MAX_SIZE = 10 * 1024 * 1024

# Only formats that cannot carry script: no SVG, no HTML, whatever the file claims to be.
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]


def sniff_content_type(head):
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_upload(uploaded):
    """The file's real type, or ValidationError when it is too big or not an image or PDF."""
    if uploaded.size > MAX_SIZE:
        raise ValidationError(_("The file is larger than 10 MB."))
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."))
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(_("Only images (JPEG, PNG, GIF, WebP) and PDF documents can be attached."))
    return content_type


# Images carry their device's and owner's details: EXIF (GPS position, camera serial, owner's name),
# XMP, IPTC, ICC descriptions, JPEG and GIF comments, PNG text chunks. Each one is rebuilt from its
# pixels alone and encoded afresh, so none of it can follow; GIF animations keep their frames,
# durations and loop count. PDFs are stored as sent.
REENCODED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
PLAIN_MODES = ("RGB", "RGBA", "L", "LA", "P")


def _pixels_only(image, image_format):
    """A new image with `image`'s pixels (and palette, transparency), nothing of its `info` or EXIF."""
    from PIL import Image

    if image.mode not in PLAIN_MODES:
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    options = {}
    transparency = image.info.get("transparency")
    if transparency is not None and image.mode in ("P", "L", "RGB"):
        options["transparency"] = transparency
    return clean, options


def _reencode_gif(image, out):
    from PIL import ImageSequence

    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        clean, _options = _pixels_only(frame.convert("RGBA"), "GIF")
        frames.append(clean)
        durations.append(frame.info.get("duration", 0))
    options = {"save_all": True, "append_images": frames[1:], "duration": durations, "disposal": 2}
    if "loop" in image.info:
        options["loop"] = image.info["loop"]
    frames[0].save(out, format="GIF", **options)


def without_metadata(uploaded, content_type):
    """The upload's pixels only, turned upright as the EXIF orientation said; other files unchanged."""
    image_format = REENCODED.get(content_type)
    if image_format is None or getattr(uploaded, "metadata_stripped", False):
        return uploaded
    from PIL import Image, ImageOps

    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            out = io.BytesIO()
            if image_format == "GIF":
                _reencode_gif(image, out)
            else:
                clean, options = _pixels_only(ImageOps.exif_transpose(image), image_format)
                if image_format in ("JPEG", "WEBP"):
                    options["quality"] = 90
                clean.save(out, format=image_format, **options)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image cannot be read.")) from exc
    cleaned = ContentFile(out.getvalue(), name=uploaded.name)
    cleaned.metadata_stripped = True
    return cleaned


class StoredUpload:
    """A checked, cleaned upload already written to private storage, not yet attached to a case.

    Files are written before the transaction that attaches them, so the row lock and the
    transaction are not held while bytes go to disk. Whoever stores must discard on failure; files a
    killed process left behind have no row and are removed by the housekeeping sweep.
    """

    def __init__(self, uploaded):
        content_type = validate_upload(uploaded)
        cleaned = without_metadata(uploaded, content_type)
        self.content_type = content_type
        self.original_name = (uploaded.name or "")[-200:]
        self.size = cleaned.size
        self.name = private_storage().save(random_attachment_name(self, self.original_name), cleaned)

    def discard(self):
        private_storage().delete(self.name)


def store_uploads(files):
    stored = []
    try:
        for uploaded in files:
            stored.append(StoredUpload(uploaded))
    except BaseException:
        discard_uploads(stored)
        raise
    return stored


def discard_uploads(stored):
    for upload in stored:
        try:
            upload.discard()
        except OSError:
            pass  # the sweep removes what cannot be removed now


@contextmanager
def uploads_kept_only_on_commit(files):
    """Store `files`, yield them, and delete them again unless the surrounding work completes.

    Use around the transaction that attaches them: an exception (a refused step, a lost database
    connection) removes the files; `transaction.on_commit` is not enough, since a rollback runs no
    callback.
    """
    stored = store_uploads(files)
    try:
        yield stored
    except BaseException:
        discard_uploads(stored)
        raise


def attach_stored(case, upload, user):
    """The attachment row and its timeline entry for a stored upload, in the caller's transaction."""
    return workflow.attach_file(case, upload, user)


def add_attachment(case, uploaded, user):
    with uploads_kept_only_on_commit([uploaded]) as (upload,):
        return attach_stored(case, upload, user)


def orphaned_files(older_than):
    """Names in private storage that no attachment row refers to, last written before `older_than`."""
    storage = private_storage()
    root = Path(storage.location)
    if not root.exists():
        return []
    referenced = set(Attachment.objects.values_list("file", flat=True))
    cutoff = older_than.timestamp()
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            if name not in referenced and path.stat().st_mtime < cutoff:
                found.append(name)
    return found


def remove_orphaned_files(older_than):
    storage = private_storage()
    names = orphaned_files(older_than)
    for name in names:
        storage.delete(name)
    return len(names)
