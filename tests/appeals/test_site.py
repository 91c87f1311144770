"""The quick-start site: languages, demo content, admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, PageLogEntry, Revision

from casework import roles
from demo.cases import DEMO_PASSWORD, DEMO_STAFF
from portal.models import HomePage
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": sorted(Page.objects.values_list("id", "title", "locale__language_code", "live")),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "password")),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "memberships": sorted(get_user_model().groups.through.objects.values_list("user_id", "group_id")),
    }


def test_load_demo_twice_changes_nothing(demo_site, django_capture_on_commit_callbacks):
    first = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert snapshot() == first


def test_load_demo_creates_home_in_three_languages(demo_site):
    homes = {page.locale.language_code: page for page in HomePage.objects.live()}
    assert set(homes) == {"zh-hant", "zh-hans", "en"}
    assert homes["zh-hant"].title == "民意訴求服務中心"
    assert homes["zh-hans"].title == "民意诉求服务中心"
    assert homes["en"].title == "Public Appeals Office"
    assert homes["zh-hans"].translation_key == homes["zh-hant"].translation_key


def test_load_demo_creates_one_staff_account_per_role(demo_site, client):
    assert {role for _username, role, *_ in DEMO_STAFF} == set(roles.ALL_ROLES)
    for username, role, *_ in DEMO_STAFF:
        user = get_user_model().objects.get(username=username)
        assert user.groups.filter(name=role).exists()
        assert client.login(username=username, password=DEMO_PASSWORD)
        assert client.get("/admin/").status_code == 200
        client.logout()


@pytest.mark.parametrize(
    ("prefix", "lang", "title"),
    [
        ("zh-hant", "zh-Hant", "民意訴求服務中心"),
        ("zh-hans", "zh-Hans", "民意诉求服务中心"),
        ("en", "en", "Public Appeals Office"),
    ],
)
def test_language_home_pages(demo_site, client, prefix, lang, title):
    response = client.get(f"/{prefix}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert title in html


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("en-GB,en;q=0.9", "/en/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("zh-TW", "/zh-hant/"),
        ("fr-FR", "/zh-hant/"),
        ("", "/zh-hant/"),
    ],
)
def test_root_redirects_by_accept_language(demo_site, client, accept, target):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/", **headers)
    assert response.status_code == 302
    assert response["Location"] == target


def test_admin_login_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_pages_call_nothing_on_the_internet(demo_site, client):
    client.login(username="editor", password=DEMO_PASSWORD)
    for url in ("/zh-hant/", "/en/", "/admin/"):
        html = client.get(url).content.decode()
        assert "gravatar" not in html.lower()
        assert "https://www.google" not in html


def test_robots_and_sitemap(demo_site, client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /admin/" in robots.content.decode()
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert "/zh-hant/" in sitemap.content.decode()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_admin_url_is_a_plain_404_not_a_language_redirect(demo_site, client):
    client.login(username="handler", password=DEMO_PASSWORD)
    response = client.get("/admin/no-such-screen/")
    assert response.status_code == 404


def test_unprefixed_public_path_still_redirects_to_the_language(demo_site, client):
    response = client.get("/search/?q=x", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/en/search/?q=x"
