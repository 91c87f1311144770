"""Every back-office URL refuses staff of another department and anonymous visitors, and a refused
request changes nothing (docs/domain.md, "Confidentiality"; docs/security.md)."""

import io
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework import roles, workflow
from casework.attachments import add_attachment
from casework.models import (
    Attachment,
    Case,
    DeletionRecord,
    Event,
    OutboxMessage,
    Outcome,
    PersonalDataAccess,
    Status,
    SupervisionNotice,
    Visit,
)
from portal import cache as page_cache
from tests.factories import PNG, CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

pytestmark = pytest.mark.django_db

THEIRS = {
    "subject": "乙處專屬機密主題",
    "citizen_name": "卞矩陣測試",
    "citizen_phone": "13966601234",
    "citizen_email": "matrix.canary@example.net",
    "citizen_address": "新竹市矩陣區測試街一號",
    "citizen_id_number": "M198765432",
}


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    permission = Permission.objects.get(codename="access_admin")
    for role in roles.ALL_ROLES:
        Group.objects.get_or_create(name=role)[0].permissions.add(permission)
    mine, other = DepartmentFactory(name="甲處", code="dept-a"), DepartmentFactory(name="乙處", code="dept-b")
    own_case = CaseFactory(status=Status.IN_PROGRESS, department=mine, citizen_phone="13800000000")
    theirs = CaseFactory(status=Status.IN_PROGRESS, department=other, **THEIRS)
    attachment = add_attachment(theirs, SimpleUploadedFile("photo.png", PNG), None)
    Visit.objects.create(
        visitor_names=THEIRS["citizen_name"], contacts=THEIRS["citizen_phone"], reason="x", case=theirs
    )
    return {
        "mine": mine,
        "own_case": own_case,
        "theirs": theirs,
        "attachment": attachment,
        "handler": staff(roles.HANDLER, mine),
        "reviewer": staff(roles.REVIEWER, mine),
    }


def case_urls(case, attachment):
    """(method, url) of everything done to one case."""
    urls = [
        ("get", reverse("casework:case_detail", args=[case.pk])),
        ("get", reverse("casework:case_print", args=[case.pk])),
        ("get", reverse("casework:case_registered", args=[case.pk])),
        ("get", reverse("casework:attachment_download", args=[case.pk, attachment.pk])),
        ("post", reverse("casework:attachment_upload", args=[case.pk])),
        ("get", reverse("ledger:case_notifications", args=[case.pk])),
    ]
    urls += [("post", reverse("casework:case_action", args=[case.pk, action])) for action in workflow.ACTIONS]
    return urls


def listing_urls(phone):
    """Listings, exports and searches: department staff may open them, but never see another's case."""
    return [
        ("get", reverse("casework:case_index") + "?inbox=all"),
        ("get", reverse("casework:case_index") + f"?inbox=all&q={phone}"),
        ("get", reverse("casework:case_export") + "?inbox=all"),
        ("get", reverse("ledger:ledger")),
        ("get", reverse("ledger:ledger") + "?format=csv"),
        ("get", reverse("ledger:ledger") + "?format=xlsx"),
        ("get", reverse("ledger:stalled")),
        ("get", reverse("ledger:outbox_failed")),
        ("get", reverse("case_search") + f"?q={phone}"),
        ("get", reverse("statistics:dashboard")),
        ("get", reverse("statistics:assessment")),
        ("get", reverse("statistics:assessment_export", args=["csv"])),
        ("get", reverse("statistics:assessment_export", args=["xlsx"])),
        ("get", reverse("casework:visit_index")),
        ("post", reverse("casework:visit_create")),
        ("get", reverse("casework:access_log")),
        ("get", reverse("casework_deletion_ledger")),
        ("get", reverse("casework:case_register")),
        ("post", reverse("casework:case_register")),
    ]


def form_data(case):
    """Something plausible for every form, so a request that slipped through would change the case."""
    data = {"file": SimpleUploadedFile("x.png", PNG)}
    for action in workflow.ACTIONS:
        for name in ("text", "reason", "plan", "note", "reply", "comment", "characterisation", "measures"):
            data[f"{action}-{name}"] = "越權修改"
        data[f"{action}-days"] = "3"
        data[f"{action}-satisfaction"] = "satisfied"
        data[f"{action}-department"] = str(case.department_id)
    return data


def state():
    """Everything a request could change, as comparable text."""
    models = [Case, Event, Attachment, Visit, Outcome, OutboxMessage, SupervisionNotice, PersonalDataAccess]
    models.append(DeletionRecord)
    return json.dumps(
        {model.__name__: list(model.objects.order_by("pk").values()) for model in models}, default=str
    )


def body_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a spreadsheet: read its cells
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return content.decode("utf-8", errors="replace")


def leaked(response, case, url=""):
    text = body_text(response)
    # What the user typed is shown back to them in the search box; that is not a leak.
    for value in parse_qs(urlparse(url).query).values():
        text = text.replace(value[0], "")
    masked_phone = THEIRS["citizen_phone"][:3] + "****" + THEIRS["citizen_phone"][-4:]
    secrets = [case.reference, masked_phone, *THEIRS.values()]
    return [secret for secret in secrets if secret in text]


@pytest.mark.parametrize("who", ["handler", "reviewer"])
def test_staff_of_another_department_are_refused_everything_about_a_case(client, world, who):
    client.force_login(world[who])
    theirs = world["theirs"]
    before = state()
    for method, url in case_urls(theirs, world["attachment"]):
        data = form_data(theirs) if method == "post" else None
        response = getattr(client, method)(url, data, follow=False)
        # A case outside the user's departments does not exist for them (404), or is refused.
        assert response.status_code == 404 or denied(response), (url, response.status_code)
        assert leaked(response, theirs, url) == [], url
    assert state() == before
    # Their own department's case opens: the refusals above are about the department, not the role.
    assert client.get(reverse("casework:case_detail", args=[world["own_case"].pk])).status_code == 200


@pytest.mark.parametrize("who", ["handler", "reviewer"])
def test_listings_exports_and_searches_never_show_another_departments_case(client, world, who):
    client.force_login(world[who])
    theirs = world["theirs"]
    before = state()
    answered = 0
    for method, url in listing_urls(THEIRS["citizen_phone"]):
        response = getattr(client, method)(url, {} if method == "post" else None)
        assert response.status_code < 500, url
        if denied(response):
            continue
        answered += response.status_code == 200
        assert leaked(response, theirs, url) == [], url
    # Refused or not, nothing about the other department's case changed, and nobody saw its data.
    assert state() == before
    assert answered >= 8  # the listings their role may open really were looked at
    # The same listing shows the case to an intake officer, who sees every department's cases.
    client.force_login(staff(roles.INTAKE_OFFICER))
    response = client.get(reverse("casework:case_index"), {"inbox": "all"})
    assert theirs.reference in leaked(response, theirs)


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, world):
    theirs = world["theirs"]
    before = state()
    urls = case_urls(theirs, world["attachment"]) + listing_urls(THEIRS["citizen_phone"])
    for method, url in urls:
        data = form_data(theirs) if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("wagtailadmin_login")), url
        assert leaked(response, theirs, url) == [], url
    assert state() == before


def test_the_page_cache_keeps_no_visitors_query_in_its_keys(rf):
    request = rf.get("/zh-hant/search/", {"q": THEIRS["citizen_phone"]})
    key = page_cache.cache_key(request)
    assert THEIRS["citizen_phone"] not in key and "search" not in key
    assert key != page_cache.cache_key(rf.get("/zh-hant/search/", {"q": "13966601235"}))
    assert len(key) < 250
