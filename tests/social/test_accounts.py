"""Administrators set up the office's social-media accounts; the token and secret are stored
encrypted and never shown again."""

import pytest
from django.db import connection
from django.urls import reverse

from casework import roles
from social.models import SocialAccount
from tests.factories import staff
from tests.helpers import denied

pytestmark = pytest.mark.django_db

FORM = {
    "platform": "wechat",
    "name": "市民服務公眾號",
    "slug": "citizens",
    "account_id": "gh_0123456789ab",
    "app_id": "wx0123456789abcdef",
    "token": "console-token-2026",
    "app_secret": "the-app-secret",
    "language": "zh-hans",
    "active": "on",
}


def stored(column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM social_socialaccount")
        return cursor.fetchone()[0]


def test_an_administrator_adds_an_account_whose_secrets_are_stored_encrypted(client, admin_access):
    roles.ensure_role_groups()
    client.force_login(staff(roles.ADMINISTRATOR))
    response = client.post(reverse("social_accounts:add"), FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    account = SocialAccount.objects.get()
    assert (account.token, account.app_secret) == ("console-token-2026", "the-app-secret")
    assert stored("token").startswith("enc1:") and stored("app_secret").startswith("enc1:")

    edit = client.get(reverse("social_accounts:edit", args=[account.pk])).content.decode()
    assert "console-token-2026" not in edit and "the-app-secret" not in edit
    # Saved again with the secrets left empty: they stay as they were.
    response = client.post(
        reverse("social_accounts:edit", args=[account.pk]),
        FORM | {"token": "", "app_secret": "", "name": "新名稱"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "新名稱" and account.token == "console-token-2026"
    assert account.app_secret == "the-app-secret"


def test_intake_cannot_manage_accounts(client, admin_access):
    client.force_login(staff(roles.INTAKE_OFFICER))
    assert denied(client.get(reverse("social_accounts:index")))
    assert denied(client.post(reverse("social_accounts:add"), FORM))
    assert not SocialAccount.objects.exists()
