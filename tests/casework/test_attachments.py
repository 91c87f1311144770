"""Attachments keep no metadata of the citizen's device and get random names on disk."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from casework.attachments import add_attachment
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def photo_with_exif(size=(40, 20), orientation=1):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x013B] = "王小明"  # artist (the owner's name)
    exif[0x0112] = orientation
    exif[0x8825] = {2: (25.0, 2.0, 0.0), 4: (121.0, 30.0, 0.0)}  # GPS position
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_exif_is_stripped_from_photos_and_the_name_on_disk_is_random(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    original = photo_with_exif()
    assert b"PhoneMaker" in original
    attachment = add_attachment(
        CaseFactory(), SimpleUploadedFile("王小明的家門口.jpg", original, "image/jpeg"), None
    )
    stored = attachment.file.read()
    assert b"PhoneMaker" not in stored and "王小明".encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (40, 20)
    assert "王小明" not in attachment.file.name and attachment.original_name == "王小明的家門口.jpg"
    assert attachment.size == len(stored)


def test_a_photo_taken_sideways_is_stored_upright(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    sideways = photo_with_exif(size=(40, 20), orientation=6)  # "rotate 90° clockwise to view"
    attachment = add_attachment(CaseFactory(), SimpleUploadedFile("p.jpg", sideways, "image/jpeg"), None)
    with Image.open(attachment.file) as image:
        assert image.size == (20, 40)


def test_pdfs_are_stored_as_sent(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment = add_attachment(CaseFactory(), SimpleUploadedFile("a.pdf", pdf, "application/pdf"), None)
    assert attachment.file.read() == pdf
