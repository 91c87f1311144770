"""A partner reads only its own cases, never personal data beyond what it sent, and its cases land
in the same intake inbox as the web form's."""

import pytest
from django.urls import reverse

from casework import roles
from casework.models import Case, Channel
from tests.factories import CaseFactory, staff

from .conftest import CASE, file_case


def test_partner_b_cannot_read_partner_as_case(api, other_api):
    reference = file_case(api).json()["reference"]
    [open311_id] = [r["service_request_id"] for r in api.get("/open311/v2/requests.json").json()]
    assert open311_id == reference

    assert other_api.get(f"/api/v1/cases/{reference}/").status_code == 404
    assert other_api.get(f"/open311/v2/requests/{reference}.json").status_code == 404
    assert other_api.get("/api/v1/cases/").json()["results"] == []
    assert other_api.get("/open311/v2/requests.json", {"service_request_id": reference}).json() == []


def test_cases_from_other_channels_are_not_a_partners(api):
    web_case = CaseFactory(channel=Channel.WEB)
    assert api.get(f"/api/v1/cases/{web_case.reference}/").status_code == 404
    assert api.get("/api/v1/cases/").json()["results"] == []


def test_reading_a_case_shows_no_personal_data_or_staff_names(api):
    reference = file_case(api).json()["reference"]
    case = Case.objects.get(reference=reference)
    officer = staff(roles.INTAKE_OFFICER, first_name="Wen-hsin", last_name="Hsu")
    from casework import workflow

    workflow.add_note(case, officer, "Citizen called twice about it")
    workflow.accept(case, officer)
    answers = [
        api.get(f"/api/v1/cases/{reference}/").content.decode(),
        api.get("/api/v1/cases/").content.decode(),
        api.get(f"/open311/v2/requests/{reference}.json").content.decode(),
        api.get(f"/open311/v2/requests/{reference}.xml").content.decode(),
        api.get("/open311/v2/requests.json").content.decode(),
    ]
    for text in answers:
        for secret in [*CASE["citizen"].values(), "Wen-hsin", "Hsu", "twice", officer.username]:
            assert secret not in text
    detail = api.get(f"/api/v1/cases/{reference}/").json()
    assert [entry["kind"] for entry in detail["timeline"]] == ["registered", "accepted"]


def test_a_partners_case_is_in_the_intake_inbox_like_a_web_case(admin_access, client, api):
    reference = file_case(api).json()["reference"]
    officer = staff(roles.INTAKE_OFFICER)
    client.force_login(officer)
    inbox = client.get(reverse("casework:case_index"), HTTP_ACCEPT_LANGUAGE="en")
    assert inbox.status_code == 200
    assert reference in inbox.content.decode()
    case = Case.objects.get(reference=reference)
    assert case.channel == Channel.API
    page = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert reference in page.content.decode()


@pytest.mark.parametrize("language, expected", [("en", "This field is required."), ("zh-Hant", "必要欄位")])
def test_bad_input_is_explained_field_by_field_in_the_requests_language(api, language, expected):
    answer = api.post(
        "/api/v1/cases/", {"category": "nonsense"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {"subject", "content", "category"}
    assert errors["subject"] == [expected]


def test_a_reply_by_email_needs_the_citizens_email(api):
    answer = file_case(api, body={**CASE, "citizen": {"name": "Lin"}, "reply_channel": "email"})
    assert answer.status_code == 400
    assert "email" in answer.json()["citizen"]
    assert Case.objects.count() == 0


def test_malformed_requests_are_refused_with_400_never_a_server_error(api):
    broken = api.post("/api/v1/cases/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and "detail" in broken.json()
    as_list = api.post("/api/v1/cases/", [1, 2], format="json")
    assert as_list.status_code == 400
    open311 = api.post("/open311/v2/requests.json", "{not json", content_type="application/json")
    assert open311.status_code == 400 and open311.json()[0]["code"] == 400
    long_key = file_case(api, key="k" * 201)
    assert long_key.status_code == 400 and "Idempotency-Key" in long_key.json()
    assert Case.objects.count() == 0
