"""Regression tests for the findings of the black-box audit behind a proxy (each failed before its fix)."""

import io
import logging
import secrets
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework import roles
from casework.models import Status
from tests.appeals.test_settings import PRODUCTION
from tests.conftest import run_manage
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-2026"
PROXY = "10.0.0.2"


def sign_in_from(client, client_address, username, password=PASSWORD):
    """A sign-in as the proxy forwards it: REMOTE_ADDR is the proxy, the client is in X-Forwarded-For."""
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


# --- 1. Sign-in lockout keyed on the real client -----------------------------------------------


def test_wrong_passwords_from_elsewhere_do_not_lock_a_staff_member_out(client, settings, admin_access):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    manager = staff(roles.MANAGER, username="manager")
    for attacker in range(1, settings.AXES_FAILURE_LIMIT + 1):
        assert sign_in_from(client, f"203.0.113.{attacker}", "manager", "wrong-password").status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        f"203.0.113.{n}" for n in range(1, settings.AXES_FAILURE_LIMIT + 1)
    }
    response = sign_in_from(client, "198.51.100.7", "manager")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_wrong_passwords_from_one_address_lock_that_address_out(client, settings, admin_access):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    staff(roles.MANAGER, username="manager")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_from(client, "203.0.113.9", "manager", "wrong-password").status_code == 200
    assert sign_in_from(client, "203.0.113.9", "manager", "wrong-password").status_code == 429
    assert sign_in_from(client, "203.0.113.9", "manager").status_code == 429
    # A forged X-Forwarded-For entry in front of the proxy's own does not give a fresh address.
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "manager", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9",
    )
    assert response.status_code == 429
    assert sign_in_from(client, "198.51.100.7", "manager").status_code == 302


# --- 4. Formulas in exports, after masking -------------------------------------------------------


@pytest.fixture
def formula_case():
    department = DepartmentFactory()
    case = CaseFactory(status=Status.ROUTED, department=department, citizen_name="=2+5", subject="@SUM(1)")
    return case


def xlsx_cells(response):
    book = load_workbook(io.BytesIO(response.content))
    return [cell for row in book.active.iter_rows() for cell in row]


def test_a_masked_citizen_name_is_never_a_formula_in_the_ledger(client, admin_access, formula_case):
    client.force_login(staff(roles.AUDITOR))  # sees the case, but only the masked name
    csv_text = client.get(reverse("ledger:ledger"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=**5" in csv_text and "\n=**5" not in csv_text and ",=**5" not in csv_text
    assert "'@SUM(1)" in csv_text
    cells = xlsx_cells(client.get(reverse("ledger:ledger"), {"format": "xlsx"}))
    masked = [cell for cell in cells if isinstance(cell.value, str) and "**5" in cell.value]
    assert masked and all(cell.data_type == "s" and cell.value == "'=**5" for cell in masked)
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_a_masked_citizen_name_is_never_a_formula_in_the_case_export(client, admin_access, formula_case):
    client.force_login(staff(roles.AUDITOR))
    content = client.get(reverse("casework:case_export"), {"inbox": "all"}).content.decode("utf-8-sig")
    assert formula_case.reference in content
    assert "'=**5" in content and ",=**5" not in content


def test_names_in_the_assessment_export_are_never_formulas(client, admin_access):
    department = DepartmentFactory(name="=HYPERLINK(1)")
    CaseFactory(status=Status.ROUTED, department=department)
    client.force_login(staff(roles.MANAGER))
    url = reverse("statistics:assessment_export", args=["xlsx"])
    cells = xlsx_cells(client.get(url))
    assert any(cell.value == "'=HYPERLINK(1)" and cell.data_type == "s" for cell in cells)
    assert not [cell for cell in cells if cell.data_type == "f"]
    content = client.get(reverse("statistics:assessment_export", args=["csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content


# --- 5a. Absolute lifetime of staff sessions ------------------------------------------------------


def test_a_staff_session_ends_after_its_maximum_lifetime_even_when_active(client, settings, admin_access):
    from appeals.security import SIGNED_IN_AT

    settings.STAFF_SESSION_MAX_AGE = 12 * 3600
    client.force_login(staff(roles.MANAGER))
    signed_in_at = client.session[SIGNED_IN_AT]
    assert abs(signed_in_at - time.time()) < 60
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 12 * 3600 + 60  # a minute left
    session.save()
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_maximum_session_lifetime_defaults_to_twelve_hours():
    from appeals.settings import base

    assert base.STAFF_SESSION_MAX_AGE == 12 * 3600


# --- 5b, 5c. Content-Security-Policy ---------------------------------------------------------------


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_no_page_lets_a_base_element_move_relative_urls(client):
    assert directives(client.get("/robots.txt")["Content-Security-Policy"])["base-uri"] == ["'none'"]
    assert directives(client.get(reverse("wagtailadmin_login"))["Content-Security-Policy"])["base-uri"] == [
        "'none'"
    ]


def test_the_admin_allows_no_inline_script_but_wagtails_own_by_hash(client, demo_site):
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    client.force_login(get_user_model().objects.get(username="admin"))
    home = Page.objects.filter(depth=2).first()
    for url in ("/admin/", f"/admin/pages/{home.pk}/", f"/admin/pages/{home.pk}/edit/"):
        response = client.get(url)
        script_src = directives(response["Content-Security-Policy"])["script-src"]
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src
        assert all(source == "'self'" or source.startswith("'sha256-") for source in script_src)
    # The page editor's publishing schedule initialises its date picker inline: allowed by its hash.
    assert any(source.startswith("'sha256-") for source in script_src)


@pytest.mark.parametrize(
    "body, allowed",
    [
        ('initDateChooser("id_date", {"dayOfWeekStart": 1, "format": "Y-m-d"});', True),
        ('initDateTimeChooser("id_go_live_at", {"format": "Y-m-d H:i"});', True),
        (
            '\n        (function() {\n            var panel = new InlinePanel(JSON.parse("{\\u0022formsetPrefix'
            '\\u0022: \\u0022id_hours\\u0022}"));\n        })();\n    ',
            True,
        ),
        ("alert(document.cookie)", False),
        ('initDateChooser("x", {}); alert(1);', False),
        ('initDateChooser("x", {}), alert(1), ({});', False),
        ('initDateChooser("x", {"a": alert(1)});', False),
        ('initDateChooser("x", [alert(1)]);', False),
        (
            '(function() { var panel = new InlinePanel(JSON.parse("{}"));alert(1); })();',
            False,
        ),
        ('(function() { var panel = new InlinePanel(JSON.parse("" + alert(1) + "")); })();', False),
    ],
)
def test_only_wagtails_data_only_initialisations_are_allowed_inline(body, allowed):
    from appeals.security import is_wagtail_init_script

    assert is_wagtail_init_script(body) is allowed


def test_an_injected_inline_script_gets_no_hash():
    from django.http import HttpResponse

    from appeals.security import admin_script_hashes

    response = HttpResponse(
        '<script>initDateChooser("id_a", {"format": "Y-m-d"});</script><script>alert(1)</script>'
        '<script type="application/json">{"x": 1}</script><script src="/static/a.js"></script>'
    )
    assert len(admin_script_hashes(response)) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_pages_run_without_csp_violations_in_a_browser(live_server, demo_site_transactional, page):
    from demo.cases import DEMO_PASSWORD
    from portal.models import NoticeIndexPage, ReceptionPage

    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text)) if "Content Security Policy" in message.text else None
        ),
    )
    base = live_server.url
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    notices = NoticeIndexPage.objects.first()
    reception = ReceptionPage.objects.first()
    for url in (
        "/admin/",
        f"/admin/pages/{notices.pk}/",
        f"/admin/pages/{notices.pk}/edit/",
        f"/admin/pages/{reception.pk}/edit/",
        f"/admin/pages/add/portal/noticepage/{notices.pk}/",
        "/admin/users/",
        "/admin/reports/site-history/",
        "/admin/cases/",
        "/admin/statistics/",
    ):
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
    assert violations == []
    # The date picker of the publishing schedule was initialised by its (hashed) inline script.
    page.goto(f"{base}/admin/pages/{notices.pk}/edit/")
    assert page.evaluate("typeof window.initDateTimeChooser") == "function"


# --- 5d. No Django admin ---------------------------------------------------------------------------


def test_the_django_admin_is_not_mounted(client):
    assert client.get("/django-admin/", follow=True).status_code == 404
    assert client.get("/django-admin/login/", follow=True).status_code == 404
    assert "django-admin" not in client.get("/robots.txt").content.decode()


# --- 5e. Refused access is logged --------------------------------------------------------------------


def test_refused_back_office_access_is_logged_with_user_and_path(client, admin_access, caplog):
    editor = staff(roles.EDITOR, username="web-editor")
    client.force_login(editor)
    with caplog.at_level(logging.WARNING, logger="appeals.security"):
        response = client.get(reverse("ledger:ledger"))
    assert response.status_code == 302  # Wagtail's answer: back to the dashboard, with a message
    logged = [r.getMessage() for r in caplog.records if r.name == "appeals.security"]
    assert any("web-editor" in line and reverse("ledger:ledger") in line for line in logged), logged


# --- 5f. Dates of the statistics ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"end": "9999-12-31"},
        {"start": "9999-12-31", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"start": "0001-01-01"},
        {"start": "2026-03-01", "end": "2999-12-31"},
    ],
)
def test_out_of_range_dates_never_answer_500(client, admin_access, query):
    client.force_login(staff(roles.MANAGER))
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("statistics:assessment_export", args=[fmt]), query)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
    assert client.get(reverse("statistics:assessment"), query).status_code == 200
    assert client.get(reverse("statistics:dashboard"), query).status_code == 200


def test_the_refusal_is_in_the_users_language(client, admin_access):
    from wagtail.users.models import UserProfile

    manager = staff(roles.MANAGER)
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "zh-hant"
    profile.save()
    client.force_login(manager)
    response = client.get(reverse("statistics:assessment_export", args=["csv"]), {"end": "9999-12-31"})
    assert response.status_code == 400
    assert "無法匯出" in response.content.decode()


# --- 5g. Health probes over plain HTTP ------------------------------------------------------------


def test_health_probes_are_not_redirected_to_https_in_production():
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='appeals.example.org'); "
        "print(c.get('/healthz').status_code, c.get('/readyz').status_code, c.get('/robots.txt').status_code)"
    )
    result = run_manage("shell", "-c", code, env={**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)})
    assert result.returncode == 0, result.stderr
    healthz, readyz, other = result.stdout.split()[-3:]
    assert (healthz, readyz, other) == ("200", "200", "301")


# --- 6. The public page cache cannot be filled by a crawler ------------------------------------------


def notices_url():
    from portal.models import NoticeIndexPage

    return NoticeIndexPage.objects.get(locale__language_code="en").url


def test_unknown_query_strings_are_served_but_not_stored(demo_site, client):
    for query in ("?utm_source=crawler", "?q=13912345678", "?x=1&y=2"):
        first = client.get(f"/en/faq/{query}")
        second = client.get(f"/en/faq/{query}")
        assert first.status_code == second.status_code == 200
        assert "X-Portal-Cache" not in first and "X-Portal-Cache" not in second
    assert client.get("/en/faq/")["X-Portal-Cache"] == "miss"
    assert client.get("/en/faq/")["X-Portal-Cache"] == "hit"


def test_only_real_page_numbers_of_a_listing_are_stored(demo_site, client):
    url = notices_url()
    assert client.get(f"{url}?page=1")["X-Portal-Cache"] == "miss"
    assert client.get(f"{url}?page=1")["X-Portal-Cache"] == "hit"
    for query in ("?page=99999", "?page=01", "?page=abc", "?page=1&page=1", "?page=1&utm=x"):
        assert client.get(f"{url}{query}").status_code == 200
        assert "X-Portal-Cache" not in client.get(f"{url}{query}")


def test_cache_entries_always_expire(demo_site, client, monkeypatch):
    from unittest import mock

    from portal import cache as page_cache
    from portal.models import FAQIndexPage

    monkeypatch.setattr(FAQIndexPage, "cache_timeout", 10**9)
    with mock.patch.object(page_cache.cache, "set", wraps=page_cache.cache.set) as stored:
        assert client.get("/en/faq/")["X-Portal-Cache"] == "miss"
    timeouts = [c.args[2] for c in stored.call_args_list if c.args[0].startswith("portal:page:")]
    assert timeouts and all(0 < timeout <= page_cache.MAX_TIMEOUT for timeout in timeouts)


@pytest.mark.parametrize("query", [{"received_from": "0001-01-01"}, {"received_to": "9999-12-31"}])
def test_case_lists_and_case_search_refuse_dates_at_the_ends_of_the_calendar(client, admin_access, query):
    """0001-01-01 at midnight office time is before year 1 in UTC: the filter must refuse it, not fail."""
    from casework.models import Case

    client.force_login(staff(roles.INTAKE_OFFICER))
    listing = client.get(reverse("casework:case_index"), query)
    assert listing.status_code == 200
    assert b"error" in listing.content or Case.objects.count() == 0
    search = client.get("/admin/case-search/", {"q": "噪音", **query})
    assert search.status_code == 200
