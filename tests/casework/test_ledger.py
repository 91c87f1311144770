"""The ledger (臺賬) of open cases: scoping, filters, masking, CSV and XLSX exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from casework import roles
from casework.models import PersonalDataAccess, Status, SupervisionNotice
from reporting import ledger
from tests.factories import CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

# The ledger's cases are late or on time relative to today.
pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

URL = "/admin/ledger/"


@pytest.fixture
def ledger_world():
    roles.ensure_role_groups()
    mine, other = DepartmentFactory(name="環保局", code="epb"), DepartmentFactory(name="交通局", code="dot")
    today = timezone.localdate()
    late = CaseFactory(
        status=Status.ROUTED, department=mine, due_date=today - timedelta(days=3), citizen_name="陳美玲"
    )
    SupervisionNotice.objects.create(case=late, stage="routed:x", level=1, department=mine)
    SupervisionNotice.objects.create(case=late, stage="routed:x", level=2, department=mine)
    elsewhere = CaseFactory(
        status=Status.IN_PROGRESS,
        department=other,
        due_date=today + timedelta(days=30),
        citizen_name="張大同",
    )
    closed = CaseFactory(status=Status.CLOSED, department=mine, citizen_name="李四")
    return {
        "mine": mine,
        "late": late,
        "elsewhere": elsewhere,
        "closed": closed,
        "handler": staff(roles.HANDLER, mine),
        "auditor": staff(roles.AUDITOR),
        "supervisor": staff(roles.SUPERVISOR),
    }


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_ledger_lists_only_open_cases_of_the_handlers_department(client, ledger_world):
    client.force_login(ledger_world["handler"])
    rows = csv_rows(client.get(URL, {"format": "csv"}))
    references = [row[0] for row in rows[1:]]
    assert references == [ledger_world["late"].reference]
    # Even in their own department the ledger masks the name: the case page is where they see it.
    assert rows[1][-1] == "陳*玲" and rows[1][-2] == "2"


def test_ledger_masks_personal_data_for_the_auditor_in_both_formats(client, ledger_world):
    client.force_login(ledger_world["auditor"])
    for rows in (
        csv_rows(client.get(URL, {"format": "csv"})),
        xlsx_rows(client.get(URL, {"format": "xlsx"})),
    ):
        by_reference = {row[0]: row for row in rows[1:]}
        assert set(by_reference) == {ledger_world["late"].reference, ledger_world["elsewhere"].reference}
        assert by_reference[ledger_world["late"].reference][-1] == "陳*玲"
        assert by_reference[ledger_world["elsewhere"].reference][-1] == "張*同"
        assert "陳美玲" not in str(rows)


def test_ledger_xlsx_shows_notices_and_deadline_for_the_supervisor(client, ledger_world):
    client.force_login(ledger_world["supervisor"])
    rows = xlsx_rows(client.get(URL, {"format": "xlsx", "sla": "overdue", "unmask": "1"}))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["編號"] == ledger_world["late"].reference and row["承辦部門"] == "環保局"
    assert row["督辦通知"] == 2 and row["時效"] == "已逾期" and row["訴求人"] == "陳美玲"


def test_ledger_filters_and_bad_input_give_no_rows_not_an_error(client, ledger_world):
    client.force_login(ledger_world["supervisor"])
    rows = csv_rows(client.get(URL, {"format": "csv", "department": ledger_world["mine"].pk}))
    assert [row[0] for row in rows[1:]] == [ledger_world["late"].reference]
    rows = csv_rows(client.get(URL, {"format": "csv", "department": "not-a-number", "sla": "<script>"}))
    assert rows[1:] == []
    page = client.get(URL, {"sla": "overdue"})
    assert page.status_code == 200 and ledger_world["late"].reference in page.content.decode()


def test_ledger_is_closed_to_people_outside_the_casework(client, ledger_world):
    from tests.factories import UserFactory

    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(staff(roles.EDITOR))
    assert client.get(URL, {"format": "csv"}).status_code in (302, 403)
    client.force_login(UserFactory())
    assert client.get(URL, {"format": "csv"}).status_code in (302, 403)


def test_ledger_outbox_failures_and_case_notification_log_are_visible_to_staff(client, ledger_world):
    from casework.models import OutboxMessage

    failed = OutboxMessage.objects.create(
        recipient_kind="citizen",
        address="x@example.org",
        template="case_event",
        case=ledger_world["late"],
        dedupe_key="t:1",
        status=OutboxMessage.State.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: gone",
    )
    OutboxMessage.objects.create(
        recipient_kind="citizen",
        address="x@example.org",
        template="case_event",
        case=ledger_world["elsewhere"],
        dedupe_key="t:2",
        status=OutboxMessage.State.FAILED,
    )
    client.force_login(ledger_world["handler"])
    page = client.get(URL + "outbox/failed/").content.decode()
    assert "SMTPServerDisconnected" in page and ledger_world["elsewhere"].reference not in page
    log = client.get(URL + f"outbox/case/{failed.case_id}/")
    assert log.status_code == 200 and "SMTPServerDisconnected" in log.content.decode()
    assert client.get(URL + f"outbox/case/{ledger_world['elsewhere'].pk}/").status_code == 404


def test_ledger_stalled_cases_lists_cases_with_no_recent_event(client, ledger_world):
    from casework.models import Event

    Event.objects.create(
        case=ledger_world["late"], kind=Event.Kind.NOTE, created_at=timezone.now() - timedelta(days=20)
    )
    Event.objects.create(case=ledger_world["elsewhere"], kind=Event.Kind.NOTE)
    client.force_login(ledger_world["supervisor"])
    page = client.get(URL + "stalled/", {"days": "10"}).content.decode()
    assert ledger_world["late"].reference in page and ledger_world["elsewhere"].reference not in page
    assert client.get(URL + "stalled/", {"days": "abc"}).status_code == 200
    client.force_login(ledger_world["handler"])
    assert denied(client.get(URL + "stalled/"))


def test_ledger_stalled_cases_and_failed_notifications_are_in_the_admin_menu(client, ledger_world):
    client.force_login(ledger_world["supervisor"])
    page = client.get("/admin/").content.decode()
    for url in (URL, URL + "stalled/", URL + "outbox/failed/"):
        assert f'"url": "{url}"' in page or f"&quot;url&quot;: &quot;{url}&quot;" in page, url
    client.force_login(ledger_world["handler"])
    page = client.get("/admin/").content.decode()
    assert URL + "outbox/failed/" in page and URL + "stalled/" not in page


def test_ledger_columns_are_distinct_in_every_language_and_say_when_a_case_came_and_was_answered(
    client, ledger_world
):
    client.force_login(ledger_world["supervisor"])
    for language in ("zh-hant", "zh-hans", "en"):
        with translation.override(language):
            titles = [str(title) for title in ledger.header()]
        assert len(set(titles)) == len(titles), (language, titles)
    with translation.override(language):
        assert titles == [str(title) for title in ledger.header()]
    with translation.override("en"):
        titles = [str(title) for title in ledger.header()]
    assert {"Received on", "Category", "Replied on", "Satisfaction"} <= set(titles)
    rows = csv_rows(client.get(URL, {"format": "csv", "sla": "overdue"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    late = ledger_world["late"]
    assert row["收件日期"] == timezone.localtime(late.received_at).date().isoformat()
    assert row["類別"] == str(late.get_category_display())
    page = client.get(URL).content.decode()
    assert "收件日期" in page and "答復日期" in page


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_ledger_page_repeats_no_column_title(client, ledger_world, language):
    import re

    from wagtail.users.models import UserProfile

    supervisor = ledger_world["supervisor"]
    profile = UserProfile.get_for_user(supervisor)
    profile.preferred_language = language
    profile.save()
    client.force_login(supervisor)
    page = client.get(URL).content.decode()
    table = page[page.index('class="listing') :]
    thead = table[table.index("<thead") : table.index("</thead>")]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)
    titles = [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in cells]
    assert len(titles) == len(ledger.header()), titles
    assert len(set(titles)) == len(titles), (language, titles)
    with translation.override(language):
        assert titles == [str(title) for title in ledger.header()]


# --- Names masked unless asked for, and every showing of them logged -----------------------------


def show_names_label():
    with translation.override("zh-hant"):
        return translation.gettext("Show citizens' names").replace("'", "&#x27;")


def logged(user):
    return sorted(PersonalDataAccess.objects.filter(user=user).values_list("case__reference", "what"))


def test_the_ledger_masks_names_by_default_even_for_a_supervisor_and_logs_nothing(client, ledger_world):
    supervisor = ledger_world["supervisor"]
    client.force_login(supervisor)
    page = client.get(URL).content.decode()
    assert "陳*玲" in page and "陳美玲" not in page and "張大同" not in page
    assert show_names_label() in page  # the supervisor is offered the names
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(URL, {"format": fmt}))
        assert {row[-1] for row in rows[1:]} == {"陳*玲", "張*同"}
    assert not PersonalDataAccess.objects.exists()


def test_a_supervisor_who_asks_sees_the_names_and_each_case_shown_is_logged(client, ledger_world):
    supervisor, late, elsewhere = ledger_world["supervisor"], ledger_world["late"], ledger_world["elsewhere"]
    client.force_login(supervisor)
    page = client.get(URL, {"unmask": "1"}).content.decode()
    assert "陳美玲" in page and "張大同" in page and "李四" not in page  # closed cases are not listed
    assert logged(supervisor) == sorted(
        [(late.reference, "ledger: citizen names"), (elsewhere.reference, "ledger: citizen names")]
    )
    PersonalDataAccess.objects.all()._raw_delete(PersonalDataAccess.objects.db)

    csv_export = csv_rows(client.get(URL, {"format": "csv", "unmask": "1", "department": late.department_id}))
    assert [row[-1] for row in csv_export[1:]] == ["陳美玲"]
    assert logged(supervisor) == [(late.reference, "ledger export (csv): citizen names")]
    PersonalDataAccess.objects.all()._raw_delete(PersonalDataAccess.objects.db)

    xlsx_export = xlsx_rows(client.get(URL, {"format": "xlsx", "unmask": "1"}))
    assert {row[-1] for row in xlsx_export[1:]} == {"陳美玲", "張大同"}
    assert logged(supervisor) == sorted(
        [
            (late.reference, "ledger export (xlsx): citizen names"),
            (elsewhere.reference, "ledger export (xlsx): citizen names"),
        ]
    )


def test_a_manager_may_ask_for_the_names_too(client, ledger_world):
    manager = staff(roles.MANAGER)
    client.force_login(manager)
    rows = csv_rows(client.get(URL, {"format": "csv", "unmask": "1"}))
    assert {row[-1] for row in rows[1:]} == {"陳美玲", "張大同"}
    assert len(logged(manager)) == 2


@pytest.mark.parametrize("role", ["auditor", "handler", "intake"])
def test_other_roles_get_masked_names_even_when_they_ask_and_nothing_is_logged(client, ledger_world, role):
    user = staff(roles.INTAKE_OFFICER) if role == "intake" else ledger_world[role]
    client.force_login(user)
    page = client.get(URL, {"unmask": "1"}).content.decode()
    assert "陳*玲" in page and "陳美玲" not in page
    assert show_names_label() not in page  # not offered either
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(URL, {"format": fmt, "unmask": "1"}))
        assert "陳美玲" not in str(rows) and "陳*玲" in str(rows)
    assert not PersonalDataAccess.objects.exists()


def test_the_names_stay_shown_through_the_filters_and_can_be_hidden_again(client, ledger_world):
    client.force_login(ledger_world["supervisor"])
    with translation.override("en"):
        page = client.get(URL, {"unmask": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="unmask" value="1"' in page  # kept when the filter form is sent
    assert "format=csv&amp;unmask=1" in page or "unmask=1&amp;format=csv" in page
