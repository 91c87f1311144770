"""The site's own "not found" and "something went wrong" pages, in the visitor's language."""

import re

import pytest
from django.test import Client

PAGES = [
    ("zh-hant", "zh-Hant", "找不到網頁", "發生錯誤"),
    ("zh-hans", "zh-Hans", "找不到网页", "发生错误"),
    ("en", "en", "Page not found", "Something went wrong"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "lang", "not_found", "_error"), PAGES)
def test_a_missing_page_says_so_in_the_language_of_its_address(
    demo_site, client, prefix, lang, not_found, _error
):
    response = client.get(f"/{prefix}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f">{not_found}</h1>" in html
    main = html.split('<main id="main"', 1)[1]
    assert f'href="/{prefix}/"' in main
    assert f'href="/{prefix}/search/"' in main


@pytest.mark.urls("tests.appeals.failing_urls")
@pytest.mark.parametrize(("prefix", "lang", "_not_found", "error"), PAGES)
def test_a_failing_page_answers_with_the_sites_error_page_without_the_database(
    django_db_blocker, settings, prefix, lang, _not_found, error
):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    # Nothing on the way to the error page may query: a blocked database raises on any query, and a
    # handler that raised would leave Django's bare "Server error" text instead of the page.
    with django_db_blocker.block():
        response = client.get(f"/{prefix}/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f">{error}</h1>" in html
    assert f'href="/{prefix}/"' in html
    assert "a bug in a view" not in html


@pytest.mark.urls("tests.appeals.failing_urls")
def test_an_error_outside_the_language_prefixes_uses_the_browsers_language(django_db_blocker):
    client = Client(raise_request_exception=False)
    with django_db_blocker.block():
        response = client.get("/broken/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 500
    assert re.search(r'<html lang="en">', response.content.decode())
    assert ">Something went wrong</h1>" in response.content.decode()


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.urls("tests.appeals.failing_urls")
def test_error_pages_are_accessible_on_a_phone_and_a_desktop(live_server, demo_site_transactional, page):
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for prefix, lang, not_found, error in PAGES:
            for path, heading in ((f"/{prefix}/no-such-page/", not_found), (f"/{prefix}/broken/", error)):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status in (404, 500)
                assert page.locator("h1").inner_text() == heading
                assert page.locator("html").get_attribute("lang") == lang
                assert axe_violations(page) == [], (width, path)
