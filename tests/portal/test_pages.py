"""The public portal as a citizen reads it: every page type, in three languages."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.models import (
    FAQIndexPage,
    NoticeIndexPage,
    NoticePage,
    PolicyPage,
    ProcedurePage,
    ReceptionPage,
    StandardPage,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "reception/",
    "procedure/",
    "procedure/forms/visit/",
    "procedure/forms/complaint/",
    "faq/",
    "notices/",
    "notices/year-end-reception-hours/",
    "rules/",
    "rules/citizen-reception-measures/",
    "rules/public-appeals-measures/",
]


def main_text(response):
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_every_page_type_exists_in_three_languages(demo_site, client):
    for model in (ReceptionPage, ProcedurePage, FAQIndexPage, NoticeIndexPage, PolicyPage, StandardPage):
        languages = set(model.objects.live().values_list("locale__language_code", flat=True))
        assert languages == {"zh-hant", "zh-hans", "en"}, model
    assert NoticePage.objects.live().filter(locale__language_code="en").count() == 3
    assert PolicyPage.objects.live().filter(locale__language_code="zh-hant").count() == 2
    faq = FAQIndexPage.objects.get(locale__language_code="zh-hant")
    assert len(list(faq.questions())) >= 10


def test_every_page_answers_in_each_language_with_its_own_words(demo_site, client):
    for prefix, lang in (("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans"), ("en", "en")):
        for path in PAGES:
            response = client.get(f"/{prefix}/{path}")
            assert response.status_code == 200, f"/{prefix}/{path}"
            html = response.content.decode()
            assert f'<html lang="{lang}">' in html
            assert 'skip-link" href="#main"' in html
            if prefix == "en":
                assert not re.search(r"[\u4e00-\u9fff]", main_text(response)), f"Chinese left on /en/{path}"
            if prefix == "zh-hans":
                assert "訴求" not in main_text(response), f"Traditional characters on /zh-hans/{path}"


def test_home_links_to_appeal_tracking_reception_faq_and_latest_notices(demo_site, client):
    html = client.get("/en/").content.decode()
    for href in ('href="/en/appeal/"', 'href="/en/track/"', 'href="/en/reception/"', 'href="/en/faq/"'):
        assert href in html
    assert "Reception hours over the year-end holidays" in html
    # Main navigation comes from the page tree's "show in menus" pages.
    nav = html.split('class="main-nav ', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/notices/"' in nav and 'href="/en/rules/"' in nav


@pytest.mark.date_sensitive
def test_reception_page_shows_hours_exceptions_channels_and_open_state(demo_site, client):
    # A fixed clock before the demo's year-end holidays: a Tuesday at 10:00 in Taipei.
    tuesday = datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Taipei"))
    with time_machine.travel(tuesday, tick=False):
        html = client.get("/zh-hant/reception/").content.decode()
    assert "09:00–12:00" in html and "13:30–17:30" in html
    assert "2026-12-25" in html and "國定假日休息" in html
    assert "現正接待，至 12:00" in html
    assert "(02) 2345-6789" in html and "appeals@example.org" in html
    assert 'class="open-state' in html
    assert "身分證明文件" in html


def test_procedure_steps_are_numbered_with_time_limits_and_forms_print(demo_site, client):
    html = client.get("/zh-hant/procedure/").content.decode()
    assert html.count('class="step"') == 7
    assert "3個工作日內" in html
    assert 'href="/zh-hant/procedure/forms/visit/"' in html
    visit = client.get("/zh-hant/procedure/forms/visit/").content.decode()
    complaint = client.get("/zh-hant/procedure/forms/complaint/").content.decode()
    assert "公民來訪登記表" in visit
    assert "投訴登記表" in complaint


def test_faq_emits_schema_org_faqpage(demo_site, client):
    html = client.get("/zh-hant/faq/").content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "FAQPage"
    questions = {q["name"]: q["acceptedAnswer"]["text"] for q in data["mainEntity"]}
    assert len(questions) >= 10
    assert "如何提出投訴？" in questions
    assert "<" not in questions["如何提出投訴？"]


def test_policy_pages_have_a_table_of_contents_linking_to_every_heading(demo_site, client):
    html = client.get("/zh-hant/rules/public-appeals-measures/").content.decode()
    toc = html.split('class="toc"', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert len(anchors) > 20
    for anchor in anchors:
        assert f'id="{anchor}"' in html
    assert "民意訴求接收" in toc
    assert "應在3個工作日內進行初步審核" in html  # the seed's rule text, with the office's limit
    english = client.get("/en/rules/public-appeals-measures/").content.decode()
    assert 'href="#section-2">Receiving appeals</a>' in english


def test_notices_are_dated_paginated_and_have_a_feed(demo_site, client):
    html = client.get("/en/notices/").content.decode()
    titles = re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)
    assert titles[0] == "Reception hours over the year-end holidays"  # newest first
    assert client.get("/en/notices/?page=999").status_code == 200
    assert client.get("/en/notices/?page=abc").status_code == 200
    feed = client.get("/en/notices/feed/")
    assert feed["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(feed.content).findall("./channel/item")
    assert [i.findtext("title") for i in items][0] == "Reception hours over the year-end holidays"
    assert items[0].findtext("link").endswith("/en/notices/year-end-reception-hours/")


def test_notice_index_pages_ten_at_a_time(demo_site, client):
    index = NoticeIndexPage.objects.get(locale__language_code="zh-hant")
    for number in range(10):
        notice = NoticePage(title=f"測試公告 {number}", slug=f"test-{number}", body="<p>x</p>")
        index.add_child(instance=notice)
        notice.save_revision().publish()
    first = client.get("/zh-hant/notices/").content.decode()
    second = client.get("/zh-hant/notices/?page=2").content.decode()
    assert first.count("<li><h2>") == 10
    assert second.count("<li><h2>") == 3
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_language_switcher_keeps_the_page_and_falls_back_to_home(demo_site, client):
    html = client.get("/zh-hant/faq/").content.decode()
    switcher = html.split('class="language-switcher ', 1)[1].split("</nav>", 1)[0]
    assert 'href="/zh-hans/faq/"' in switcher and 'href="/en/faq/"' in switcher
    head = html.split("</head>", 1)[0]
    assert '<link rel="alternate" hreflang="en" href="/en/faq/">' in head
    assert '<link rel="alternate" hreflang="zh-Hans" href="/zh-hans/faq/">' in head

    english_faq = FAQIndexPage.objects.get(locale__language_code="en")
    english_faq.unpublish()
    html = client.get("/zh-hant/faq/").content.decode()
    switcher = html.split('class="language-switcher ', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/"' in switcher
    assert 'hreflang="en" href="/en/faq/"' not in html


def test_sitemap_lists_every_language_with_alternates_and_robots_points_to_it(demo_site, client, settings):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.fromstring(response.content).findall("s:url", ns)
    locations = {u.findtext("s:loc", namespaces=ns) for u in urls}
    assert any(loc.endswith("/en/reception/") for loc in locations)
    assert any(loc.endswith("/zh-hans/reception/") for loc in locations)
    reception = next(u for u in urls if u.findtext("s:loc", namespaces=ns).endswith("/zh-hant/reception/"))
    alternates = {a.get("hreflang"): a.get("href") for a in reception.findall("x:link", ns)}
    assert set(alternates) == {"zh-Hant", "zh-Hans", "en"}
    assert alternates["en"].endswith("/en/reception/")
    robots = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.SITE_BASE_URL}/sitemap.xml" in robots  # the Site's address


def test_footer_shows_office_contacts_from_site_settings(demo_site, client):
    html = client.get("/en/faq/").content.decode()
    footer = html.split("<footer", 1)[1]
    assert "(02) 2345-6789" in footer
    assert "Monday to Friday 9:00–12:00, 13:30–17:30" in footer  # from the reception page
    assert "星期一至星期五" in client.get("/zh-hant/faq/").content.decode().split("<footer", 1)[1]
