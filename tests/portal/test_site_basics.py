"""Site basics a visitor notices: page titles, error pages, the favicon, absolute links, the measures."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from casework.models import StageLimits
from portal import placeholders
from portal.site_address import adopt_public_address

pytestmark = pytest.mark.django_db


def title_of(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.parametrize(
    ("prefix", "name"),
    [("zh-hant", "民意訴求服務中心"), ("zh-hans", "民意诉求服务中心"), ("en", "Public Appeals Office")],
)
def test_home_page_title_names_the_site_once(demo_site, client, prefix, name):
    assert title_of(client.get(f"/{prefix}/")) == name


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/zh-hant/faq/", "常見問題 · 民意訴求服務中心"),
        ("/en/faq/", "Frequently asked questions · Public Appeals Office"),
        ("/en/search/", "Search · Public Appeals Office"),
    ],
)
def test_other_pages_end_their_title_with_the_site_name(demo_site, client, path, title):
    assert title_of(client.get(path)) == title


# --- Favicon -------------------------------------------------------------------------------------


def test_favicon_ico_points_at_the_committed_icon(client, settings):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    icon = finders.find("favicon.ico")
    with open(icon, "rb") as file:
        assert file.read(4) == b"\x00\x00\x01\x00"  # the ICO file signature


@pytest.mark.parametrize("prefix", ["zh-hant", "en"])
def test_every_page_names_its_icon(demo_site, client, prefix):
    html = client.get(f"/{prefix}/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg")


# --- Absolute links ------------------------------------------------------------------------------


@pytest.fixture
def public_site(demo_site):
    """The office's Site as production has it, while requests reach the app under another name."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "appeals.example.gov", 443
    site.save()
    return site


def absolute_links(text):
    return re.findall(r'(?:<loc>|<link>|<guid>|href=")(https?://[^<"]+)', text)


def test_sitemap_links_use_the_sites_hostname_and_port(public_site, client):
    text = client.get("/sitemap.xml").content.decode()
    links = absolute_links(text)
    assert len(links) > 20
    assert all(link.startswith("https://appeals.example.gov/") for link in links), links
    assert "https://appeals.example.gov/en/rules/public-appeals-measures/" in links


@pytest.mark.parametrize("prefix", ["zh-hant", "zh-hans", "en"])
def test_feed_links_use_the_sites_hostname_and_port(public_site, client, prefix):
    response = client.get(f"/{prefix}/notices/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    text = response.content.decode()
    links = absolute_links(text)
    assert f"https://appeals.example.gov/{prefix}/notices/" in links
    assert f"https://appeals.example.gov/{prefix}/notices/year-end-reception-hours/" in links
    assert all(link.startswith("https://appeals.example.gov/") for link in links), links
    assert "localhost" not in text and "testserver" not in text


def test_robots_txt_names_the_sitemap_at_the_sites_address(public_site, client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://appeals.example.gov/sitemap.xml\n" in text


def test_the_demo_site_is_where_site_base_url_says(demo_site, settings):
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == settings.SITE_BASE_URL
    assert site.hostname != "localhost"


# --- Search excerpts -----------------------------------------------------------------------------


def search_excerpts(client, prefix, query):
    html = client.get(f"/{prefix}/search/", {"q": query}).content.decode()
    excerpts = re.findall(r'<li class="search-result">.*?<p>(.*?)</p>', html, re.S)
    return [re.sub(r"</?mark>", "", text) for text in excerpts]


@pytest.mark.parametrize(
    ("prefix", "query", "expected", "labels"),
    [
        ("zh-hant", "目的", "總則 目的 為了規範", ("章", "節")),
        ("zh-hans", "目的", "总则 目的 为了规范", ("章", "節", "节")),
        ("en", "Purpose", "General provisions Purpose These measures", ("section", "subsection")),
    ],
)
def test_search_excerpts_show_the_pages_text_not_block_labels(
    demo_site, client, prefix, query, expected, labels
):
    excerpts = search_excerpts(client, prefix, query)
    measures = [text for text in excerpts if expected in text]
    assert measures, excerpts
    for text in measures:
        assert not any(f" {label} " in f" {text} " for label in labels), text


def test_the_headings_level_is_not_searchable(demo_site, client):
    assert search_excerpts(client, "en", "subsection") == []


# --- The measures' blanks ------------------------------------------------------------------------

TEMPLATE_WORDS = ("[X]", "公司/組織", "公司/组织", "公司／組織")


def test_no_published_page_of_the_demo_shows_a_blank_or_a_placeholder(demo_site, client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert len(pages) > 30
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert [word for word in TEMPLATE_WORDS if word in html] == [], page.url
        assert placeholders.PLACEHOLDER.search(html) is None, page.url


def test_the_measures_show_the_offices_own_limits_and_name(demo_site, client):
    url = {prefix: f"/{prefix}/rules/public-appeals-measures/" for prefix in ("zh-hant", "zh-hans", "en")}
    html = client.get(url["zh-hant"]).content.decode()
    assert "應在3個工作日內進行初步審核" in html
    assert "在2個工作日內完成分流" in html
    assert "應在5個工作日內制定處理方案" in html
    assert "在收件後15個工作日內將處理結果反饋給訴求人" in html
    assert "為了規範民意訴求服務中心民意訴求的管理" in html

    limits = StageLimits.load()
    limits.screening_days, limits.reply_days = 4, 20
    limits.save()
    # The pages were cached above: saving the limits shows the new figures at once.
    html = client.get(url["zh-hant"]).content.decode()
    assert "應在4個工作日內進行初步審核" in html and "在收件後20個工作日內" in html
    html = client.get(url["zh-hans"]).content.decode()
    assert "应在4个工作日内进行初步审核" in html and "为了规范民意诉求服务中心民意诉求的管理" in html
    html = client.get(url["en"]).content.decode()
    assert "Online appeals are screened within 4 working days" in html
    assert "within 20 working days of receipt" in html


def test_the_faq_gives_the_offices_own_reply_limit(demo_site, client):
    limits = StageLimits.load()
    limits.reply_days = 12
    limits.save()
    zh = client.get("/zh-hant/faq/").content.decode()
    en = client.get("/en/faq/").content.decode()
    # In the answer and in the structured data search engines read.
    assert zh.count("收件後12個工作日內答復") == 2
    assert en.count("within 12 working days of receipt") == 2


def test_search_excerpts_show_the_limits_not_placeholders(demo_site, client):
    limits = StageLimits.load()
    limits.screening_days = 4
    limits.save()
    excerpts = search_excerpts(client, "zh-hant", "初步審核")
    assert any("應在4個工作日內進行初步審核" in text for text in excerpts), excerpts
    assert search_excerpts(client, "zh-hant", "screening_days") == []


def test_placeholders_are_filled_with_escaped_values_and_strangers_are_left_alone():
    values = {"office": "<b>Office</b>", **{name: "9" for name in placeholders.LIMITS}}
    html = placeholders.fill_html(mark_safe("<p>{office} within {reply_days} days {other}</p>"), values)
    assert html == "<p>&lt;b&gt;Office&lt;/b&gt; within 9 days {other}</p>"
    assert placeholders.fill_html("<p>{office}</p>", values) == "&lt;p&gt;&lt;b&gt;Office&lt;/b&gt;&lt;/p&gt;"


def test_the_procedure_gives_the_same_limits(demo_site, client):
    limits = StageLimits.load()
    limits.routing_days, limits.follow_up_days = 4, 10
    limits.save()
    html = client.get("/zh-hant/procedure/").content.decode()
    assert "受理後4個工作日內" in html and "答復後10個工作日內" in html
    html = client.get("/en/procedure/").content.decode()
    assert "Within 4 working days of acceptance" in html
    assert "Within 10 working days of the reply" in html


def test_wagtails_placeholder_site_takes_the_address_of_site_base_url(settings):
    settings.SITE_BASE_URL = "https://appeals.example.gov"
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "localhost", 80
    site.save()
    other = Site.objects.create(hostname="intranet.example.gov", port=8080, root_page=site.root_page)
    adopt_public_address(Site)
    site.refresh_from_db()
    other.refresh_from_db()
    assert site.root_url == "https://appeals.example.gov"
    assert other.root_url == "http://intranet.example.gov:8080"  # set by hand: left alone
    adopt_public_address(Site)  # the migration again changes nothing
    assert Site.objects.get(pk=site.pk).root_url == "https://appeals.example.gov"
