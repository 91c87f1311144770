"""A small portal for the appeal and tracking tests: a home page with the two pages, in zh-Hant."""

import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from wagtail.models import Site

from casework.models import Case
from demo.site import ensure_tree_roots
from portal.localization import ensure_locales
from portal.models import AppealFormPage, HomePage, TrackingPage

APPEAL_URL = "/zh-hant/appeal/"
RECEIPT_URL = "/zh-hant/appeal/receipt/"
TRACK_URL = "/zh-hant/track/"

from tests.factories import PNG  # noqa: E402,F401 - re-exported for the appeal tests

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def appeal_pages(db, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    cache.clear()
    locales = ensure_locales()
    # A transactional test (a live worker's) may run on a flushed database without the page root.
    root = ensure_tree_roots(locales["zh-hant"])
    home = root.add_child(
        instance=HomePage(title="民意訴求服務中心", slug="home-appeals", locale=locales["zh-hant"])
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    appeal = home.add_child(
        instance=AppealFormPage(title="網上提出訴求", slug="appeal", privacy_notice="<p>個人資料保密。</p>")
    )
    tracking = home.add_child(instance=TrackingPage(title="查詢訴求進度", slug="track"))
    yield SimpleNamespace(home=home, appeal=appeal, tracking=tracking)
    cache.clear()


def token_of(response):
    return response.context["form"]["submission_token"].value()


def appeal_data(token, **overrides):
    data = {
        "category": "complaint",
        "subject": "路燈故障",
        "content": "住家附近的路燈已經壞了兩週。",
        "name": "王小明",
        "phone": "0912 345 678",
        "email": "citizen@example.org",
        "address": "",
        "reply_channel": "email",
        "consent": "on",
        "captcha_0": "abc",
        "captcha_1": "PASSED",
        "website": "",
        "submission_token": token,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def file_appeal(client, **overrides):
    """Fill in the form as a citizen would; returns the response to the POST."""
    token = token_of(client.get(APPEAL_URL))
    return client.post(APPEAL_URL, appeal_data(token, **overrides))


def receipt_of(client):
    """(reference, access code) from the receipt page the citizen is sent to."""
    html = client.get(RECEIPT_URL).content.decode()
    reference = re.search(r'id="case-reference">([^<]+)<', html).group(1)
    return reference, re.search(r'id="case-access-code">([^<]+)<', html).group(1)


def upload(name, content, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def case_count():
    return Case.objects.count()
