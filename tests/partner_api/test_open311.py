"""Open311 GeoReport v2 conformance: the documented JSON and XML answers, their element names,
required fields, the error format, the services list and the filters of GET requests."""

from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework.models import Case, Channel

from .conftest import client_for

TAIPEI = ZoneInfo("Asia/Taipei")
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def post_request(api, fmt="json", **fields):
    data = {"service_code": "complaint", "description": "Broken streetlight\nAt number 12", **fields}
    return api.post(f"/open311/v2/requests.{fmt}", data)


def test_services_list_the_categories_in_the_requests_language(api):
    english = api.get("/open311/v2/services.json")
    assert english.status_code == 200
    services = english.json()
    assert [s["service_code"] for s in services] == ["inquiry", "complaint", "suggestion", "help", "other"]
    assert all(set(s) == SERVICE_FIELDS for s in services)
    assert services[1]["service_name"] == "Complaint or report"
    assert services[1]["metadata"] is False and services[1]["type"] == "realtime"

    chinese = api.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="zh-Hant")
    assert chinese.json()[1]["service_name"] != "Complaint or report"

    root = xml(api.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert [child.tag for child in root] == ["service"] * 5
    first = root[0]
    assert {child.tag for child in first} == SERVICE_FIELDS
    assert first.findtext("service_code") == "inquiry"
    assert first.findtext("metadata") == "false"


def test_a_service_definition_and_an_unknown_service(api):
    definition = api.get("/open311/v2/services/help.json").json()
    assert definition == {"service_code": "help", "attributes": []}
    root = xml(api.get("/open311/v2/services/help.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "help"
    assert root.find("attributes") is not None

    unknown = api.get("/open311/v2/services/potholes.json")
    assert unknown.status_code == 404
    assert unknown.json() == [{"code": 404, "description": "There is no service with this code."}]
    root = xml(api.get("/open311/v2/services/potholes.xml"))
    assert root.tag == "errors" and root[0].tag == "error"
    assert root[0].findtext("code") == "404"


def test_posting_a_request_files_a_case_and_answers_the_reference_and_code(api, partner):
    answer = post_request(
        api,
        first_name="Mei-ling",
        last_name="Chen",
        email="mei@example.org",
        address_string="12 Zhongshan Road",
        lat="25.0330",
        long="121.5654",
        account_id="acct-7",
    )
    assert answer.status_code == 201
    [receipt] = answer.json()
    assert set(receipt) == {"service_request_id", "token", "service_notice", "account_id", "access_code"}
    assert receipt["account_id"] == "acct-7"
    case = Case.objects.get(reference=receipt["service_request_id"])
    assert case.channel == Channel.API
    assert case.category == "complaint"
    assert case.subject == "Broken streetlight"
    assert "12 Zhongshan Road (25.033000, 121.565400)" in case.content
    assert case.citizen_name == "Mei-ling Chen"
    assert case.check_access_code(receipt["access_code"])
    assert case.partner_filing.partner == partner

    root = xml(post_request(api, fmt="xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id").startswith(case.reference.rsplit("-", 1)[0])
    assert request.findtext("access_code")


def test_the_key_may_come_as_the_api_key_parameter(partner):
    from rest_framework.test import APIClient

    keyed = client_for(partner)
    plain = APIClient()
    assert (
        plain.post("/open311/v2/requests.json", {"service_code": "help", "description": "x"}).status_code
        == 401
    )
    answer = plain.post(
        "/open311/v2/requests.json", {"service_code": "help", "description": "Help", "api_key": keyed.raw_key}
    )
    assert answer.status_code == 201
    listed = plain.get("/open311/v2/requests.json", {"api_key": keyed.raw_key})
    assert listed.status_code == 200 and len(listed.json()) == 1


def test_errors_are_a_list_of_code_and_description_field_by_field(api):
    answer = api.post(
        "/open311/v2/requests.json", {"service_code": "potholes", "media_url": "http://x/y.jpg"}
    )
    assert answer.status_code == 400
    errors = answer.json()
    assert all(set(error) == {"code", "description"} and error["code"] == 400 for error in errors)
    descriptions = " ".join(error["description"] for error in errors)
    assert "service_code: There is no service with this code." in descriptions
    assert "description: This field is required." in descriptions
    assert "media_url: Media links are not accepted" in descriptions

    chinese = api.post("/open311/v2/requests.xml", {"service_code": "help"}, HTTP_ACCEPT_LANGUAGE="zh-Hant")
    root = xml(chinese)
    assert root.tag == "errors"
    assert "This field is required" not in root.findtext("error/description")
    assert Case.objects.count() == 0


def test_a_request_shows_the_citizens_timeline_not_staff_notes(api, partner):
    reference = post_request(api).json()[0]["service_request_id"]
    case = Case.objects.get(reference=reference)
    from casework import workflow
    from casework.roles import INTAKE_OFFICER
    from tests.factories import staff

    officer = staff(INTAKE_OFFICER)
    workflow.add_note(case, officer, "Caller sounded upset; check with the road works team")
    workflow.accept(case, officer)

    [request] = api.get(f"/open311/v2/requests/{reference}.json").json()
    assert set(request) == REQUEST_FIELDS
    assert request["status"] == "open"
    assert request["service_code"] == "complaint"
    assert request["status_notes"] == "Your case has been accepted."
    assert request["expected_datetime"].endswith("+08:00")
    assert "upset" not in str(request)

    root = xml(api.get(f"/open311/v2/requests/{reference}.xml"))
    assert root.tag == "service_requests"
    assert {child.tag for child in root.find("request")} == REQUEST_FIELDS


def test_requests_are_filtered_by_id_dates_status_and_service(api):
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        old = post_request(api, service_code="inquiry").json()[0]["service_request_id"]
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=TAIPEI), tick=False):
        new = post_request(api).json()[0]["service_request_id"]
        closed = post_request(api, service_code="help").json()[0]["service_request_id"]
        from casework import workflow
        from casework.roles import INTAKE_OFFICER
        from tests.factories import staff

        workflow.reject(Case.objects.get(reference=closed), staff(INTAKE_OFFICER), "Not ours")

        def ids(**params):
            return [r["service_request_id"] for r in api.get("/open311/v2/requests.json", params).json()]

        assert ids() == [closed, new, old]
        assert ids(service_request_id=f"{old},{new}") == [new, old]
        assert ids(start_date="2026-11-20T00:00:00+08:00") == [closed, new]
        assert ids(end_date="2026-11-20T00:00:00+08:00") == [old]
        assert ids(status="closed") == [closed]
        assert ids(status="open") == [new, old]
        assert ids(service_code="inquiry") == [old]
        bad = api.get("/open311/v2/requests.json", {"start_date": "yesterday"})
        assert bad.status_code == 400 and bad.json()[0]["description"].startswith("start_date:")
        assert api.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_id_is_an_open311_404(api, fmt):
    answer = api.get(f"/open311/v2/requests/MY-2026-999999.{fmt}")
    assert answer.status_code == 404
    if fmt == "json":
        assert answer.json()[0]["code"] == 404
    else:
        assert xml(answer).tag == "errors"
