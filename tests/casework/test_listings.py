"""The back-office lists as one family: every list renders through the shared listing template,
every export goes through casework.exports (no cell is ever a formula), and the inspect views keep
their list's roles, scoping and masking."""

import csv
import io
import uuid

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from casework import roles
from casework.exports import spreadsheet_response, spreadsheet_safe
from casework.models import DeletionRecord, OutboxMessage, PersonalDataAccess, Status, Visit
from tests.factories import CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

FORMULA = "=1+1"


@pytest.fixture
def office():
    mine, other = DepartmentFactory(name="環保局", code="epb"), DepartmentFactory(name=FORMULA, code="dot")
    case = CaseFactory(status=Status.ROUTED, department=mine, subject=FORMULA, citizen_name="王小明")
    theirs = CaseFactory(status=Status.ROUTED, department=other, citizen_name="李大華")
    supervisor = staff(roles.SUPERVISOR)
    PersonalDataAccess.objects.create(user=supervisor, case=case, what=FORMULA)
    DeletionRecord.objects.create(
        reference="MY-2020-000001",
        fields=[FORMULA, "citizen_phone"],
        run_id=uuid.uuid4(),
        retention_days=1095,
    )
    visit = Visit.objects.create(
        visitor_names="林一,林二",
        contacts="0922000111",
        id_numbers="A123456789",
        reason="道路坑洞",
        case=case,
    )
    message = OutboxMessage.objects.create(
        recipient_kind="citizen",
        address="citizen.canary@example.org",
        template="case_event",
        case=case,
        dedupe_key="listing:1",
        status=OutboxMessage.State.FAILED,
        last_error="SMTPServerDisconnected: gone",
    )
    their_message = OutboxMessage.objects.create(
        recipient_kind="citizen",
        address="other.canary@example.org",
        template="case_event",
        case=theirs,
        dedupe_key="listing:2",
        status=OutboxMessage.State.FAILED,
    )
    return {
        "mine": mine,
        "case": case,
        "theirs": theirs,
        "visit": visit,
        "message": message,
        "their_message": their_message,
        "supervisor": supervisor,
        "handler": staff(roles.HANDLER, mine),
        "intake": staff(roles.INTAKE_OFFICER),
        "auditor": staff(roles.AUDITOR),
        "editor": staff(roles.EDITOR),
    }


# --- One listing template -------------------------------------------------------------------------


def listing_urls(office):
    return [
        reverse("casework:case_index") + "?inbox=all",
        reverse("casework:visit_index"),
        reverse("casework:access_log"),
        reverse("ledger:ledger"),
        reverse("ledger:stalled"),
        reverse("ledger:outbox_failed"),
        reverse("ledger:case_notifications", args=[office["case"].pk]),
        reverse("casework_deletion_ledger"),
        reverse("case_search") + "?q=路燈",
    ]


def test_every_back_office_list_renders_through_the_shared_listing_template(client, office):
    client.force_login(office["supervisor"])
    for url in listing_urls(office):
        response = client.get(url)
        assert response.status_code == 200, url
        names = [template.name for template in response.templates]
        assert "casework/listing.html" in names and "casework/listing_results.html" in names, (url, names)
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"], url


# --- One exporter ---------------------------------------------------------------------------------


def test_spreadsheet_safe_neutralises_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe(gettext_lazy("=x")) == "'=x"
    assert spreadsheet_safe("'=1+1") == "'=1+1"  # once is enough
    for value in ("王*明", "", 5, 2.5, None):
        assert spreadsheet_safe(value) == value


def test_the_exporter_writes_a_bom_csv_and_a_text_typed_xlsx():
    response = spreadsheet_response("csv", "x", ["=a"], [["=b", 1]])
    assert response.content.startswith("\ufeff".encode()) and response["Content-Disposition"].endswith(
        'x.csv"'
    )
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [["'=a"], ["'=b", "1"]]
    response = spreadsheet_response("xlsx", "x", ["=a"], [["=b", 1]], sheet_title="Sheet")
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert [(cell.value, cell.data_type) for cell in cells] == [("'=a", "s"), ("'=b", "s"), (1, "n")]
    with pytest.raises(ValueError):
        spreadsheet_response("pdf", "x", [], [])


def export_urls(office):
    return [
        (reverse("casework:case_export"), {"inbox": "all"}, "csv"),
        (reverse("ledger:ledger"), {"format": "csv"}, "csv"),
        (reverse("ledger:ledger"), {"format": "xlsx"}, "xlsx"),
        (reverse("statistics:assessment_export", args=["csv"]), {}, "csv"),
        (reverse("statistics:assessment_export", args=["xlsx"]), {}, "xlsx"),
        (reverse("casework:access_log"), {"export": "csv"}, "csv"),
        (reverse("casework:access_log"), {"export": "xlsx"}, "xlsx"),
        (reverse("casework_deletion_ledger"), {"export": "csv"}, "csv"),
        (reverse("casework_deletion_ledger"), {"export": "xlsx"}, "xlsx"),
    ]


def test_every_export_neutralises_formulas(client, office):
    client.force_login(office["supervisor"])
    for url, query, fmt in export_urls(office):
        response = client.get(url, query)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment") and response[
            "Content-Disposition"
        ].endswith(f'.{fmt}"'), url
        if fmt == "csv":
            assert response.content.startswith("\ufeff".encode()), url
            cells = [
                cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row
            ]
            assert any(cell.startswith("'" + FORMULA) for cell in cells), (url, cells)
            assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))], url
        else:
            book = load_workbook(io.BytesIO(response.content))
            cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
            assert any(
                str(cell.value).startswith("'" + FORMULA) and cell.data_type == "s" for cell in cells
            ), url
            assert not [cell for cell in cells if cell.data_type == "f"], url


def test_audit_exports_keep_their_lists_roles(client, office):
    client.force_login(office["handler"])
    for url in (reverse("casework:access_log"), reverse("casework_deletion_ledger")):
        for fmt in ("csv", "xlsx"):
            assert denied(client.get(url, {"export": fmt})), url


# --- Inspect views ------------------------------------------------------------------------------


def test_a_visit_is_inspected_with_the_names_masked_and_no_contacts(client, office):
    url = reverse("casework:visit_inspect", args=[office["visit"].pk])
    listing = reverse("casework:visit_index")
    client.force_login(office["intake"])
    assert url in client.get(listing).content.decode()
    page = client.get(url).content.decode()
    assert "林*、林*" in page and "道路坑洞" in page and office["case"].reference in page
    for secret in ("林一", "林二", "0922000111", "A123456789"):
        assert secret not in page
    assert not PersonalDataAccess.objects.exclude(what=FORMULA).exists()
    client.force_login(office["handler"])
    assert denied(client.get(url))
    assert denied(client.get(reverse("casework:visit_inspect", args=[office["visit"].pk + 100])))


def test_a_notification_is_inspected_only_within_the_users_departments(client, office):
    client.force_login(office["handler"])
    url = reverse("ledger:outbox_message", args=[office["message"].pk])
    assert url in client.get(reverse("ledger:outbox_failed")).content.decode()
    page = client.get(url).content.decode()
    assert "SMTPServerDisconnected" in page and "c***@example.org" in page
    assert "citizen.canary@example.org" not in page
    response = client.get(reverse("ledger:outbox_message", args=[office["their_message"].pk]))
    assert response.status_code == 404 and "other.canary" not in response.content.decode()
    client.force_login(office["editor"])
    assert denied(client.get(url))


def test_access_records_and_deletion_records_are_inspected_by_auditors_only(client, office):
    record = PersonalDataAccess.objects.get()
    deletion = DeletionRecord.objects.get()
    urls = [
        reverse("casework:access_record", args=[record.pk]),
        reverse("casework_deletion_record", args=[deletion.pk]),
    ]
    client.force_login(office["auditor"])
    for url in urls:
        page = client.get(url).content.decode()
        assert FORMULA in page, url
    assert "MY-2020-000001" in client.get(urls[1]).content.decode()
    client.force_login(office["handler"])
    for url in urls:
        assert denied(client.get(url)), url


def test_a_list_too_long_to_count_stops_its_pages_and_shows_an_estimate(client, office, monkeypatch):
    from django.db import connection

    from casework import admin_lists

    monkeypatch.setattr(admin_lists, "LIST_COUNT_LIMIT", 3)
    for _n in range(4):
        CaseFactory(status=Status.ROUTED, department=office["mine"])
    client.force_login(office["supervisor"])
    response = client.get("/admin/cases/", {"inbox": "all"})
    page = response.content.decode()
    assert response.status_code == 200
    paginator = response.context["paginator"]
    if connection.vendor == "postgresql":
        # Counted up to the limit; the whole is the database's estimate, said to be one.
        assert paginator.count == 3 and paginator.estimated_total >= 4
        assert "約" in page and "只列出前 3 件" in page
    else:
        # SQLite has no planner estimate to offer: a small office's list is counted.
        assert paginator.count == 6 and paginator.estimated_total is None
