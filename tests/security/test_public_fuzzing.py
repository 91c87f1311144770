"""Whatever a visitor sends to a public endpoint, the portal answers without a server error
(checklist items 8, 14, 18, 29): odd headers, odd paths, odd queries, odd files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import workflow
from casework.models import Case, Channel
from tests.portal.appeal_pages import (  # noqa: F401
    APPEAL_URL,
    PNG,
    TRACK_URL,
    appeal_data,
    appeal_pages,
    token_of,
)

pytestmark = pytest.mark.usefixtures("appeal_pages", "generous_limits")

LANGUAGES = ["zh-hant", "zh-hans", "en"]
# Any text but lone surrogates (they cannot be sent as UTF-8).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=120)
# What can travel in an HTTP header: printable Latin-1, no CR/LF.
header = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=80)
addresses = st.one_of(
    header,
    st.ip_addresses().map(str),
    st.lists(st.ip_addresses().map(str), max_size=4).map(", ".join),
    st.just("unknown, , ,"),
)
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def generous_limits(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 10_000
    settings.TRACKING_ATTEMPTS_PER_HOUR = 10_000


def headers(forwarded_for, language):
    return {"HTTP_X_FORWARDED_FOR": forwarded_for, "HTTP_ACCEPT_LANGUAGE": language}


@FUZZ
@given(
    language=st.sampled_from(LANGUAGES),
    params=st.dictionaries(st.sampled_from(["q", "page", "sort", "lang", "x"]), text, max_size=4),
    forwarded_for=addresses,
    accept=header,
)
def test_the_page_search_answers_anything(client, language, params, forwarded_for, accept):
    response = client.get(f"/{language}/search/", params, **headers(forwarded_for, accept))
    assert response.status_code == 200
    assert client.post(f"/{language}/search/", params).status_code in (403, 405)


@FUZZ
@given(
    path=st.lists(text.filter(lambda s: s.strip()), min_size=1, max_size=3),
    language=st.sampled_from(LANGUAGES),
)
def test_unknown_public_paths_are_not_found_not_errors(client, path, language):
    from urllib.parse import quote

    url = f"/{language}/" + "/".join(quote(part, safe="") for part in path) + "/"
    response = client.get(url)
    assert response.status_code in (200, 301, 302, 404), url


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["category", "subject", "content", "name", "phone", "email", "reply_channel"]),
        text,
    ),
    forwarded_for=addresses,
    accept=header,
    upload=st.tuples(
        text, st.binary(max_size=300), st.sampled_from([b"", PNG, b"%PDF-", b"GIF89a", b"<svg"])
    ),
)
def test_the_appeal_form_answers_anything_headers_and_files_included(
    client, fields, forwarded_for, accept, upload
):
    name, body, head = upload
    before = Case.objects.count()
    token = token_of(client.get(APPEAL_URL))
    data = {**appeal_data(token), **fields}
    # A name Django cannot take at all ("", "/", "..") is not what this test is about.
    safe = name.replace("\x00", "").replace("/", "")[:80]
    data["attachments"] = SimpleUploadedFile(safe if safe not in {"", ".", ".."} else "file", head + body)
    response = client.post(APPEAL_URL, data, **headers(forwarded_for, accept))
    assert response.status_code in (200, 302)
    assert Case.objects.count() - before == (1 if response.status_code == 302 else 0)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["action", "reference", "access_code", "text", "satisfaction", "comment"]),
        st.one_of(text, st.sampled_from(["lookup", "information", "satisfaction", "leave", "satisfied"])),
    ),
    forwarded_for=addresses,
    upload=st.binary(max_size=200),
)
def test_the_tracking_page_answers_anything_from_anywhere(client, fields, forwarded_for, upload):
    case, code = workflow.register_case(
        actor=None, channel=Channel.WEB, category="inquiry", subject="路燈", content="壞了"
    )
    client.post(
        TRACK_URL,
        {"action": "lookup", "reference": case.reference, "access_code": code},
        **headers(forwarded_for, "en"),
    )
    data = {**fields, "attachments": SimpleUploadedFile("x.bin", upload or b"\x00")}
    response = client.post(TRACK_URL, data, **headers(forwarded_for, "zh-hant"))
    assert response.status_code in (200, 302)
    assert client.get(TRACK_URL).status_code == 200


def test_the_rate_limit_still_answers_politely_once_reached(client, settings):
    settings.TRACKING_ATTEMPTS_PER_HOUR = 2
    statuses = [
        client.post(
            TRACK_URL, {"action": "lookup", "reference": "MY-2026-000001", "access_code": "X"}
        ).status_code
        for _i in range(4)
    ]
    assert statuses[-1] == 429 and all(status < 500 for status in statuses)
