"""The demo's 12345 hotline app: its printed key works and shows the two cases it filed."""

import pytest
from rest_framework.test import APIClient

from demo import partners


@pytest.mark.django_db
def test_the_demo_key_lists_the_hotline_apps_two_cases(demo_site):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {partners.DEMO_API_KEY}")
    listed = api.get("/api/v1/cases/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    assert {case["category"] for case in listed.json()["results"]} == {"complaint", "inquiry"}
    assert len(api.get("/open311/v2/requests.json").json()) == 2
