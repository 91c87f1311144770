import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from partner_api.models import ApiKey, Partner


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner(db):
    return Partner.objects.create(name="City 12345 hotline app", requests_per_minute=100)


@pytest.fixture
def other_partner(db):
    return Partner.objects.create(name="Neighbourhood app", requests_per_minute=100)


def client_for(partner, **headers):
    _key, raw = ApiKey.issue(partner)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", **headers)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    client.raw_key = raw
    return client


@pytest.fixture
def api(partner):
    return client_for(partner)


@pytest.fixture
def other_api(other_partner):
    return client_for(other_partner)


CASE = {
    "subject": "Streetlight out on Zhongshan Road",
    "content": "The streetlight at number 12 has been out for a week.",
    "category": "complaint",
    "citizen": {"name": "Chen Mei-ling", "phone": "0912 345 678", "email": "mei@example.org"},
    "reply_channel": "api",
}


def file_case(api, body=None, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post("/api/v1/cases/", body or CASE, format="json", **headers, **extra)
