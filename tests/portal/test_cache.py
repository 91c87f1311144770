"""Public pages come from the cache, and an editor's published change is visible at once."""

import pytest
from django.contrib.auth import get_user_model
from django.middleware.csrf import get_token
from django.test import RequestFactory

from portal import cache as page_cache
from portal.models import FAQIndexPage, ReceptionPage

pytestmark = pytest.mark.django_db


def test_repeat_anonymous_request_is_served_from_cache(demo_site, client):
    first = client.get("/en/faq/")
    second = client.get("/en/faq/")
    assert first["X-Portal-Cache"] == "miss"
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == first.content
    assert "Set-Cookie" not in second


def test_published_change_is_visible_immediately_in_every_language(demo_site, client):
    for prefix in ("zh-hant", "zh-hans", "en"):
        client.get(f"/{prefix}/faq/")  # warm the cache
    page = FAQIndexPage.objects.get(locale__language_code="en")
    page.title = "Questions citizens ask"
    page.save_revision().publish()
    response = client.get("/en/faq/")
    assert "Questions citizens ask" in response.content.decode()
    # The menus of other pages mention the title too, so they are refreshed as well.
    assert "Questions citizens ask" in client.get("/en/").content.decode()


def test_unpublished_page_disappears_at_once(demo_site, client):
    assert client.get("/en/reception/").status_code == 200
    ReceptionPage.objects.get(locale__language_code="en").unpublish()
    assert client.get("/en/reception/").status_code == 404


def test_logged_in_users_are_never_served_or_stored_from_cache(demo_site, client):
    client.get("/en/faq/")
    user = get_user_model().objects.get(username="editor")
    client.force_login(user)
    response = client.get("/en/faq/")
    assert "X-Portal-Cache" not in response
    client.logout()
    assert client.get("/en/faq/")["X-Portal-Cache"] == "hit"


def test_response_with_a_csrf_token_is_not_stored():
    request = RequestFactory().get("/en/form/")
    get_token(request)

    class Response:
        portal_cache_timeout = 60
        status_code = 200
        streaming = False
        cookies = {}
        content = b"<form></form>"

        def get(self, name, default=""):
            return default

    assert not page_cache.response_is_cacheable(request, Response())
    plain = RequestFactory().get("/en/faq/")
    assert page_cache.response_is_cacheable(plain, Response())


def test_post_requests_bypass_the_cache(demo_site, client):
    client.get("/en/faq/")
    response = client.post("/en/faq/")
    assert "X-Portal-Cache" not in response


@pytest.mark.date_sensitive
def test_open_now_line_is_never_cached_past_its_next_change(demo_site, client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from portal.models import HomePage

    # Tuesday 11:58 in Taipei: the office closes for lunch in two minutes.
    moment = datetime(2026, 11, 24, 11, 58, tzinfo=ZoneInfo("Asia/Taipei"))
    with time_machine.travel(moment, tick=False):
        reception = ReceptionPage.objects.get(locale__language_code="en")
        assert reception.get_cache_timeout() == 120
        home = HomePage.objects.get(locale__language_code="en")
        assert home.get_cache_timeout() == 120


def test_site_settings_change_is_visible_at_once(demo_site, client):
    from wagtail.models import Site

    from portal.models import PortalSettings

    client.get("/en/faq/")
    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.hotline = "(02) 8765-4321"
    settings.save()
    assert "(02) 8765-4321" in client.get("/en/faq/").content.decode()
