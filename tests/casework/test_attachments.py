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


# Text a photo or drawing can carry about its owner, in every place the formats have for it.
SECRET = "owner Wang Xiaoming tel 13912345678"


def stored_bytes(settings, tmp_path, name, content, content_type):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    attachment = add_attachment(CaseFactory(), SimpleUploadedFile(name, content, content_type), None)
    return attachment.file.read()


def test_a_jpeg_comment_does_not_survive(settings, tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "JPEG", comment=f"COMMENT {SECRET}")
    original = out.getvalue()
    assert SECRET.encode() in original and b"\xff\xfe" in original  # a COM segment
    stored = stored_bytes(settings, tmp_path, "photo.jpg", original, "image/jpeg")
    assert SECRET.encode() not in stored and b"13912345678" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info and image.size == (16, 16)


def test_a_gif_comment_does_not_survive_and_the_animation_does(settings, tmp_path):
    frames = [Image.new("RGB", (12, 12), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0, comment=SECRET
    )
    original = out.getvalue()
    assert SECRET.encode() in original
    stored = stored_bytes(settings, tmp_path, "anim.gif", original, "image/gif")
    assert SECRET.encode() not in stored and b"13912345678" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info
        assert image.n_frames == 3 and image.info.get("loop") == 0
        durations = []
        for index in range(image.n_frames):
            image.seek(index)
            durations.append(image.info["duration"])
        assert durations == [100, 200, 300]


def test_png_text_chunks_do_not_survive(settings, tmp_path):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("Description", SECRET)
    info.add_text("Comment", SECRET, zip=True)
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (1, 2, 3, 128)).save(out, "PNG", pnginfo=info)
    original = out.getvalue()
    assert SECRET.encode() in original and b"tEXt" in original
    stored = stored_bytes(settings, tmp_path, "drawing.png", original, "image/png")
    assert SECRET.encode() not in stored
    assert b"tEXt" not in stored and b"iTXt" not in stored and b"zTXt" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0)) == (1, 2, 3, 128)


def test_gps_position_and_owner_in_exif_do_not_survive(settings, tmp_path):
    original = photo_with_exif()
    assert b"PhoneMaker" in original
    stored = stored_bytes(settings, tmp_path, "gps.jpg", original, "image/jpeg")
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and "王小明".encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
