"""Site basics a visitor notices: page titles, error pages, the favicon, absolute links, the measures."""

import re

import pytest

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
