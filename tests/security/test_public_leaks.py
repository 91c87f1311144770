"""Citizens' personal data and internal notes never reach a public URL (docs/domain.md, "Confidentiality").

Unique values are seeded into cases of the demo site, disclosure reports are re-published over them,
then every public URL is crawled: all live pages in three languages and every link on them, the
sitemap, robots.txt, the notice feeds, the page search for each value, the tracking page after a valid
lookup, and the disclosure reports with their CSV and JSON downloads.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.cache import cache
from wagtail.models import Page

from casework import workflow
from casework.models import FINAL_STATUSES, Case, Event, Visit
from portal.disclosure import DisclosureReportPage
from portal.models import NoticeIndexPage, TrackingPage

LANGUAGES = ("zh-hant", "zh-hans", "en")
NOT_PUBLIC = ("/admin/", "/django-admin/", "/documents/", "/captcha/", "/i18n/", "/static/", "/media/")
MAX_URLS = 600
# Checklist item 22: what a mainland mobile number, an 18-digit resident ID or a Taiwan ID looks like.
RANDOM_HEX_KEY = re.compile(r"\b[0-9a-f]{32,}\b")
PII_PATTERNS = {
    "mobile": re.compile(r"(?<![\d.])1[3-9]\d{9}(?!\d)"),
    "resident ID": re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
    "Taiwan ID": re.compile(r"(?<![A-Za-z0-9])[A-Z][12]\d{8}(?![A-Za-z0-9])"),
}


def canaries(n):
    """Personal data no page could contain by chance."""
    return {
        "citizen_name": f"甄洩漏測試{n}號",
        "citizen_id_number": f"Z1{n}8765432"[:10],
        "citizen_phone": f"1397{n}{n}58{n}46",
        "citizen_email": f"leak.canary.{n}@example.net",
        "citizen_address": f"桃園市保密區金絲雀路{n}巷七號",
    }


@pytest.fixture
def seeded(demo_site, settings):
    settings.TRACKING_ATTEMPTS_PER_HOUR = 10_000
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 10_000
    secrets = []
    closed = list(Case.objects.filter(status__in=FINAL_STATUSES).exclude(department=None)[:3])
    open_ = list(Case.objects.exclude(status__in=FINAL_STATUSES).exclude(department=None)[:3])
    tracked = None
    for n, case in enumerate(closed + open_, start=1):
        values = canaries(n)
        for name, value in values.items():
            setattr(case, name, value)
        case.save()
        note = f"內部備註金絲雀{n}：勿對外"
        Event.objects.create(case=case, kind=Event.Kind.NOTE, text=note, is_public=False)
        visitor = f"訪客金絲雀{n}甲"
        Visit.objects.create(
            visitor_names=visitor, contacts=values["citizen_phone"], reason="來訪", case=case
        )
        secrets += [*values.values(), note, visitor]
        if tracked is None and case in open_:
            tracked = case
    # A case filed online today, as a citizen would, with a code to track it.
    values = canaries(9)
    filed, code = workflow.register_case(
        actor=None,
        channel="web",
        category="complaint",
        subject="路燈故障",
        content="住家附近的路燈已經壞了兩週。",
        **values,
    )
    secrets += list(values.values())
    # Disclosure figures are frozen at publication: publish every report again over the seeded cases.
    for report in DisclosureReportPage.objects.live():
        report.save_revision().publish()
    cache.clear()
    return {"secrets": secrets, "filed": filed, "code": code}


def links_of(html):
    for href in re.findall(r'(?:href|src|action)="([^"]+)"', html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        parsed = urlparse(href)
        if parsed.scheme in ("", "http", "https") and parsed.netloc in ("", "localhost", "testserver"):
            if parsed.path.startswith("/") and not parsed.path.startswith(NOT_PUBLIC):
                yield parsed.path + (f"?{parsed.query}" if parsed.query else "")


def assert_no_secret(secrets, url, response, echoed=None):
    """No secret in the answer; `echoed` (a search query) may appear only as often as any query would."""
    text = b"".join(response.streaming_content) if response.streaming else response.content
    text = text.decode("utf-8", errors="replace")
    if echoed is not None:
        text = text.replace(echoed, "")
    found = [secret for secret in secrets if secret in text]
    assert found == [], (url, found)
    return text


def search_echoes(client, language, query):
    """How often the page search shows a query back, and the same for a query nothing contains."""
    fresh = "無此詞彙" + "x" * len(query)
    counts = []
    for q in (query, fresh):
        response = client.get(f"/{language}/search/", {"q": q})
        assert response.status_code == 200
        counts.append(response.content.decode().count(q))
    return counts


def crawl(client, start, secrets):
    """Breadth-first over public links; every answer checked. Returns the URLs answered 200."""
    queue, seen, ok = deque(start), set(start), set()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            target = response["Location"]
            if (
                target not in seen
                and urlparse(target).path.startswith("/")
                and not target.startswith(NOT_PUBLIC)
            ):
                seen.add(target)
                queue.append(target)
            continue
        query = urlparse(url).query
        echoed = query[2:] if urlparse(url).path.endswith("/search/") and query.startswith("q=") else None
        text = assert_no_secret(secrets, url, response, echoed)
        # Random hex keys (the captcha's challenge, asset hashes) can hold a run of digits shaped
        # like a phone number; they are not personal data.
        text = RANDOM_HEX_KEY.sub("", text)
        for kind, pattern in PII_PATTERNS.items():
            assert not pattern.search(text), (url, kind, pattern.search(text))
        if response.status_code != 200:
            continue
        ok.add(url)
        if "html" in response.get("Content-Type", ""):
            for link in links_of(text):
                if link not in seen and len(seen) < MAX_URLS:
                    seen.add(link)
                    queue.append(link)
    return ok


def test_no_public_url_shows_personal_data_or_internal_notes(client, seeded):
    secrets = seeded["secrets"]
    pages = [page.url for page in Page.objects.live().public().specific() if page.url and page.depth > 1]
    start = ["/", "/sitemap.xml", "/robots.txt", *pages]
    for index in NoticeIndexPage.objects.live():
        start.append(index.url + "feed/")
    for report in DisclosureReportPage.objects.live():
        start += [report.url + "csv/", report.url + "json/"]
    for language in LANGUAGES:
        for secret in secrets:
            start.append(f"/{language}/search/?q={secret}")
    start = list(dict.fromkeys(start))

    ok = crawl(client, start, secrets)

    # The crawl really covered the portal: pages in every language, feeds, downloads, search.
    for language in LANGUAGES:
        assert sum(url.startswith(f"/{language}/") for url in ok) >= 5, language
        assert f"/{language}/search/?q={secrets[0]}" in ok
    assert "/sitemap.xml" in ok and "/robots.txt" in ok
    assert any(url.endswith("/feed/") for url in ok)
    assert any(url.endswith("/csv/") for url in ok) and any(url.endswith("/json/") for url in ok)
    assert len(ok) >= 40
    # The search page shows each query back (in the box, "results for ..."), and no more than that:
    # a seeded value is found nowhere.
    for language in LANGUAGES:
        for secret in secrets:
            shown, baseline = search_echoes(client, language, secret)
            assert shown == baseline, (language, secret)


def test_the_tracking_page_shows_the_case_but_not_the_citizens_own_contact_data(client, seeded):
    filed, code = seeded["filed"], seeded["code"]
    for tracking in TrackingPage.objects.live():
        response = client.post(
            tracking.url, {"action": "lookup", "reference": filed.reference, "access_code": code}
        )
        assert response.status_code == 302, tracking.url
        response = client.get(tracking.url)
        text = assert_no_secret(seeded["secrets"], tracking.url, response)
        assert filed.reference in text
        assert "no-store" in response["Cache-Control"]


def test_a_citizen_filing_online_sees_their_contact_data_on_no_page_afterwards(client, seeded):
    from portal.models import AppealFormPage
    from tests.portal.appeal_pages import appeal_data, token_of

    values = canaries(7)
    secrets = list(values.values())
    for page in AppealFormPage.objects.live():
        token = token_of(client.get(page.url))
        data = appeal_data(
            token,
            name=values["citizen_name"],
            phone=values["citizen_phone"],
            email=values["citizen_email"],
            address=values["citizen_address"],
        )
        response = client.post(page.url, data, follow=True)
        assert response.status_code == 200 and response.redirect_chain, page.url
        receipt = response.context["receipt"]
        assert receipt and receipt.get("reference"), page.url
        assert_no_secret(secrets, page.url + "receipt/", response)
        case = Case.objects.get(reference=receipt["reference"])
        assert case.citizen_phone == values["citizen_phone"]  # it was stored, only never shown
        tracking = TrackingPage.objects.live().filter(locale=page.locale).first()
        lookup = {"action": "lookup", "reference": case.reference, "access_code": receipt["access_code"]}
        assert client.post(tracking.url, lookup).status_code == 302
        text = assert_no_secret(secrets, tracking.url, client.get(tracking.url))
        assert case.reference in text
