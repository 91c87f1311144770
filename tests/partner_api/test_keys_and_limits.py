"""API keys (hashed, revocable, managed in the admin) and each partner's own rate limit."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from casework import roles
from partner_api.models import ApiKey, Partner, key_hash
from tests.factories import staff

from .conftest import client_for, file_case

TAIPEI = ZoneInfo("Asia/Taipei")


def test_a_key_is_stored_only_as_its_prefix_and_hash(partner):
    key, raw = ApiKey.issue(partner)
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert raw not in str(stored)
    assert stored["prefix"] == raw.split(".")[0]
    assert stored["hash"] == key_hash(raw)


def test_missing_wrong_and_revoked_keys_are_refused(partner):
    plain = APIClient()
    assert plain.get("/api/v1/cases/").status_code == 401
    assert plain.get("/api/v1/cases/")["WWW-Authenticate"] == "Api-Key"
    plain.credentials(HTTP_AUTHORIZATION="Api-Key abcdefgh.not-a-key")
    assert plain.get("/api/v1/cases/").status_code == 401

    api = client_for(partner)
    assert api.get("/api/v1/cases/").status_code == 200
    wrong = client_for(partner)
    wrong.credentials(HTTP_AUTHORIZATION=f"Api-Key {api.raw_key[:-1]}x")
    assert wrong.get("/api/v1/cases/").status_code == 401

    ApiKey.objects.get(prefix=api.raw_key.split(".")[0]).revoke()
    revoked = api.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert revoked.status_code == 401
    assert revoked.json() == {"detail": "This API key has been revoked."}
    assert api.get("/open311/v2/requests.json").json() == [
        {"code": 401, "description": "This API key has been revoked."}
    ]


def test_an_inactive_partner_is_refused(partner):
    api = client_for(partner)
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    assert api.get("/api/v1/cases/").status_code == 401


def test_each_partner_has_its_own_limit_per_minute(partner, other_partner):
    Partner.objects.filter(pk=partner.pk).update(requests_per_minute=3)
    api, other = client_for(partner), client_for(other_partner)
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, 5, tzinfo=TAIPEI), tick=False):
        assert [api.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]
        refused = api.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "55"
        assert "throttled" in refused.json()["detail"].lower()
        assert api.get("/open311/v2/requests.xml").status_code == 429
        assert file_case(api).status_code == 429
        assert other.get("/api/v1/cases/").status_code == 200
    with time_machine.travel(datetime(2026, 12, 1, 10, 1, 1, tzinfo=TAIPEI), tick=False):
        assert api.get("/api/v1/cases/").status_code == 200


def test_supervisors_list_partners_make_a_key_shown_once_and_revoke_it(admin_access, client, partner):
    client.force_login(staff(roles.SUPERVISOR))
    index = client.get(reverse("partner_api_admin:index"))
    assert index.status_code == 200
    assert partner.name in index.content.decode()

    made = client.post(reverse("partner_api_admin:key_create", args=[partner.pk]), {"label": "Production"})
    assert made.status_code == 200
    raw = made.content.decode().split("data-raw-key>")[1].split("<")[0]
    key = ApiKey.objects.get(partner=partner)
    assert key.matches(raw) and key.label == "Production"
    again = client.get(reverse("partner_api_admin:index")).content.decode()
    assert raw not in again and f"{key.prefix}…" in again

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert api.get("/api/v1/cases/").status_code == 200
    client.post(reverse("partner_api_admin:key_revoke", args=[key.pk]))
    assert api.get("/api/v1/cases/").status_code == 401
    assert (
        "Revoked"
        in client.get(reverse("partner_api_admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_a_partner_is_added_with_a_callback_secret_that_is_never_shown(admin_access, client):
    client.force_login(staff(roles.ADMINISTRATOR))
    answer = client.post(
        reverse("partner_api_admin:add"),
        {
            "name": "District app",
            "channel": "api",
            "requests_per_minute": "30",
            "callback_url": "https://district.example.org/appeals/callback",
            "new_callback_secret": "s3cret-for-signing",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    partner = Partner.objects.get(name="District app")
    assert partner.callback_secret == "s3cret-for-signing"
    assert Partner.objects.filter(callback_secret__contains="s3cret").count() == 0  # encrypted at rest
    page = client.get(reverse("partner_api_admin:edit", args=[partner.pk])).content.decode()
    assert "s3cret-for-signing" not in page


def test_other_staff_cannot_manage_partners(admin_access, client, partner):
    client.force_login(staff(roles.INTAKE_OFFICER))
    # The admin answers a refused screen by sending the user back to the dashboard.
    refused = client.get(reverse("partner_api_admin:index"))
    assert (refused.status_code, refused.get("Location")) in {(403, None), (302, "/admin/")}
    key, _raw = ApiKey.issue(partner)
    assert client.post(reverse("partner_api_admin:key_revoke", args=[key.pk])).status_code in {302, 403}
    key.refresh_from_db()
    assert key.revoked_at is None
