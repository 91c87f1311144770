"""The back office through Django's test client: scoping of every URL, forms only for allowed steps,
personal data masked in listings and logged when shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework import roles, workflow
from casework.attachments import add_attachment
from casework.models import Case, Category, Event, PersonalDataAccess, ReplyTemplate, Status, Visit
from tests.factories import PNG, CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    dept, other = (
        DepartmentFactory(name="環境保護局", code="epb"),
        DepartmentFactory(name="交通局", code="dot"),
    )
    mine = CaseFactory(
        status=Status.ROUTED, department=dept, citizen_phone="13812345678", citizen_name="王小明"
    )
    theirs = CaseFactory(
        status=Status.ROUTED, department=other, citizen_phone="13900001111", citizen_name="李大華"
    )
    attachment = add_attachment(theirs, SimpleUploadedFile("photo.png", PNG), None)
    return {
        "dept": dept,
        "other": other,
        "mine": mine,
        "theirs": theirs,
        "attachment": attachment,
        "handler": staff(roles.HANDLER, dept),
        "reviewer": staff(roles.REVIEWER, dept),
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "auditor": staff(roles.AUDITOR),
        "editor": staff(roles.EDITOR),
    }


def case_urls(case, attachment=None):
    urls = [
        ("get", reverse("casework:case_detail", args=[case.pk])),
        ("get", reverse("casework:case_print", args=[case.pk])),
        ("get", reverse("casework:case_registered", args=[case.pk])),
        ("post", reverse("casework:case_action", args=[case.pk, "handling_plan"])),
        ("post", reverse("casework:case_action", args=[case.pk, "add_note"])),
        ("post", reverse("casework:attachment_upload", args=[case.pk])),
    ]
    if attachment:
        urls.append(("get", reverse("casework:attachment_download", args=[case.pk, attachment.pk])))
    return urls


@pytest.mark.parametrize("role", ["handler", "reviewer"])
def test_every_case_url_of_another_department_is_a_404(client, world, role):
    client.force_login(world[role])
    before = Event.objects.count()
    missing = Case(pk=world["theirs"].pk + 1000)
    for (method, url), (_method, missing_url) in zip(
        case_urls(world["theirs"], world["attachment"]), case_urls(missing, world["attachment"]), strict=True
    ):
        # follow: the project's LocaleMiddleware answers an unknown path with a redirect to its
        # language-prefixed twin, which then is the 404.
        data = {"handling_plan-plan": "x", "add_note-text": "x"}
        response = getattr(client, method)(url, data, follow=True)
        assert response.status_code == 404, url
        assert world["theirs"].subject.encode() not in response.content
        # Indistinguishable from a case that does not exist.
        response_missing = getattr(client, method)(missing_url, data, follow=True)
        assert response_missing.status_code == 404
        assert len(response.redirect_chain) == len(response_missing.redirect_chain)
    assert Event.objects.count() == before
    assert not PersonalDataAccess.objects.exists()
    # Their own department's case opens.
    assert client.get(reverse("casework:case_detail", args=[world["mine"].pk])).status_code == 200


@pytest.mark.parametrize("role", ["handler", "reviewer"])
def test_listings_and_filters_never_show_another_departments_case(client, world, role):
    client.force_login(world[role])
    index = reverse("casework:case_index")
    for query in (
        {"inbox": "all"},
        {"inbox": "overdue"},
        {"inbox": "unassigned"},
        {"inbox": "department"},
        {"inbox": "all", "q": world["theirs"].reference},
        {"inbox": "all", "department": world["other"].pk},
        {"inbox": "all", "status": "routed"},
    ):
        response = client.get(index, query)
        assert response.status_code == 200
        content = response.content.decode()
        assert reverse("casework:case_detail", args=[world["theirs"].pk]) not in content, query
        assert world["theirs"].subject not in content and "139****1111" not in content, query


def test_editors_and_anonymous_users_get_no_casework(client, world):
    urls = [
        reverse("casework:case_index"),
        reverse("casework:case_register"),
        reverse("casework:visit_index"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(world["editor"])
    for url in urls:
        assert denied(client.get(url)), url
    assert denied(client.get(reverse("casework:case_detail", args=[world["mine"].pk])))


def test_listings_mask_personal_data(client, world):
    client.force_login(world["intake"])
    response = client.get(reverse("casework:case_index"), {"inbox": "all"})
    content = response.content.decode()
    assert world["mine"].reference in content and world["theirs"].reference in content
    assert "138****5678" in content and "王*明" in content
    assert "13812345678" not in content and "王小明" not in content
    assert not PersonalDataAccess.objects.exists()


def test_the_case_page_shows_personal_data_to_who_needs_it_and_logs_it(client, world):
    url = reverse("casework:case_detail", args=[world["mine"].pk])
    client.force_login(world["handler"])
    response = client.get(url)
    assert "13812345678" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    record = PersonalDataAccess.objects.get()
    assert record.user == world["handler"] and record.case == world["mine"]

    client.force_login(world["auditor"])
    response = client.get(url)
    content = response.content.decode()
    assert "13812345678" not in content and "138****5678" in content
    assert PersonalDataAccess.objects.count() == 1
    # The auditor reads the log.
    log = client.get(reverse("casework:access_log")).content.decode()
    assert world["handler"].username in log and world["mine"].reference in log


def test_access_log_is_for_auditors_and_supervisors(client, world):
    for role, allowed in (("auditor", True), ("supervisor", True), ("handler", False), ("intake", False)):
        client.force_login(world[role])
        response = client.get(reverse("casework:access_log"))
        assert (response.status_code == 200) is allowed and denied(response) is not allowed, role


def test_the_case_page_offers_exactly_the_allowed_steps(client, world):
    case = world["mine"]
    url = reverse("casework:case_detail", args=[case.pk])
    for role in ("handler", "reviewer", "intake", "auditor"):
        client.force_login(world[role])
        content = client.get(url).content.decode()
        allowed = workflow.available_transitions(world[role], case)
        for action in workflow.RULES:
            action_url = reverse("casework:case_action", args=[case.pk, action])
            assert (action_url in content) is (action in allowed), (role, action)
    client.force_login(world["auditor"])
    assert (
        "Nothing for you to do" in client.get(url).content.decode()
        or "目前" in client.get(url).content.decode()
    )


def test_a_step_posted_through_the_page_runs_the_workflow(client, world):
    case = world["mine"]
    client.force_login(world["handler"])
    url = reverse("casework:case_action", args=[case.pk, "handling_plan"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"handling_plan-plan": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.ROUTED
    response = client.post(url, {"handling_plan-plan": "派員現場查看"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.handling_plan == "派員現場查看"


def test_a_step_the_user_may_not_take_is_refused_without_change(client, world):
    case = world["mine"]
    client.force_login(world["reviewer"])
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "handling_plan"]),
        {"handling_plan-plan": "x"},
        follow=True,
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.ROUTED
    response = client.post(reverse("casework:case_action", args=[case.pk, "no_such_step"]), follow=True)
    assert response.status_code == 404


def test_reply_templates_fill_an_empty_answer(client, world):
    ReplyTemplate.objects.create(
        category=Category.INQUIRY, title="上班時間", text="本中心上班時間為週一至週五。"
    )
    case = CaseFactory(status=Status.RECEIVED, category=Category.INQUIRY)
    client.force_login(world["intake"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "上班時間" in page
    template = ReplyTemplate.objects.get()
    client.post(
        reverse("casework:case_action", args=[case.pk, "answer_directly"]),
        {"answer_directly-reply_text": "", "answer_directly-template": template.pk},
    )
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    assert case.events.get(kind=Event.Kind.REPLIED).text == "本中心上班時間為週一至週五。"


def test_registering_a_phone_call_shows_what_to_read_out(client, world):
    client.force_login(world["intake"])
    response = client.post(
        reverse("casework:case_register"),
        {
            "channel": "hotline",
            "category": "complaint",
            "subject": "公園廁所髒亂",
            "content": "中山公園廁所多日未清潔。",
            "citizen_name": "張三",
            "citizen_phone": "0912345678",
            "priority": 2,
        },
    )
    case = Case.objects.get(subject="公園廁所髒亂")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and case.reply_due.isoformat() in page
    code = page.split("data-access-code>")[1].split("<")[0]
    assert case.check_access_code(code)
    # Shown once only.
    assert "data-access-code" not in client.get(response["Location"]).content.decode()
    assert case.channel == "hotline" and case.citizen_phone == "0912345678"


def test_registration_rejects_bad_input_without_an_error_page(client, world):
    client.force_login(world["intake"])
    response = client.post(reverse("casework:case_register"), {"channel": "nonsense", "subject": "x" * 500})
    assert response.status_code == 200 and not Case.objects.filter(subject__startswith="xxx").exists()
    client.force_login(world["handler"])
    assert denied(client.get(reverse("casework:case_register")))


def test_a_walk_in_visit_can_open_a_case(client, world):
    client.force_login(world["intake"])
    response = client.post(
        reverse("casework:visit_create"),
        {
            "visited_at": "2026-03-02T10:30",
            "visitor_count": 3,
            "visitor_names": "林一,林二,林三",
            "contacts": "0922000111",
            "reason": "社區道路坑洞多次反映未改善",
            "outcome": "已登記並說明處理流程",
            "open_case": "on",
            "category": "complaint",
            "subject": "社區道路坑洞",
        },
    )
    visit = Visit.objects.get()
    assert visit.case is not None and visit.case.channel == "visit" and visit.officer == world["intake"]
    assert response["Location"] == reverse("casework:case_registered", args=[visit.case.pk])
    listing = client.get(reverse("casework:visit_index")).content.decode()
    assert "林*" in listing or "林二" not in listing
    assert "0922000111" not in listing


def test_attachments_download_only_for_those_who_may_see_them(client, world):
    url = reverse("casework:attachment_download", args=[world["theirs"].pk, world["attachment"].pk])
    client.force_login(world["supervisor"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    client.force_login(world["auditor"])
    assert denied(client.get(url))


def test_uploading_a_disguised_file_is_refused(client, world):
    client.force_login(world["handler"])
    url = reverse("casework:attachment_upload", args=[world["mine"].pk])
    client.post(url, {"file": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>")})
    assert not world["mine"].attachments.exists()
    client.post(url, {"file": SimpleUploadedFile("x.png", PNG)})
    assert world["mine"].attachments.count() == 1


def test_the_printable_record_has_the_timeline(client, world):
    case = workflow.add_note(world["mine"], world["handler"], "已致電民眾說明")
    client.force_login(world["handler"])
    page = client.get(reverse("casework:case_print", args=[case.pk])).content.decode()
    assert case.reference in page and "已致電民眾說明" in page and "window.print" in page


def test_inboxes(client, world):
    unassigned = world["mine"]
    review = CaseFactory(status=Status.IN_REVIEW, department=world["dept"], handler=world["handler"])
    client.force_login(world["reviewer"])
    mine = client.get(reverse("casework:case_index")).content.decode()
    assert review.reference in mine and unassigned.reference in mine
    client.force_login(world["handler"])
    content = client.get(reverse("casework:case_index"), {"inbox": "unassigned"}).content.decode()
    assert unassigned.reference in content and review.reference not in content


@pytest.mark.date_sensitive
def test_the_listing_shows_deadline_states_with_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    for offset in range(-10, 30):
        CaseFactory(
            status=Status.IN_PROGRESS, department=world["dept"], due_date=today + timedelta(days=offset)
        )
    client.force_login(world["supervisor"])
    with django_assert_max_num_queries(25):
        content = client.get(reverse("casework:case_index"), {"inbox": "all"}).content.decode()
    for state in ("overdue", "due_soon", "on_time"):
        assert f'class="sla sla--{state}"' in content
    overdue = client.get(reverse("casework:case_index"), {"inbox": "all", "sla": "overdue"}).content.decode()
    assert 'class="sla sla--overdue"' in overdue and 'class="sla sla--on_time"' not in overdue


@pytest.mark.parametrize(
    "url_name, allowed",
    [
        ("wagtailsettings:edit", {"supervisor"}),
        ("calendar:index", {"supervisor"}),
        ("wagtailsnippets_casework_replytemplate:list", {"supervisor", "intake", "reviewer"}),
    ],
)
def test_stage_limits_calendar_and_reply_templates_are_edited_by_the_right_roles(
    client, world, url_name, allowed
):
    from casework.roles import ensure_role_groups

    ensure_role_groups()
    from casework.models import StageLimits

    args = ["casework", "stagelimits", StageLimits.load().pk] if url_name == "wagtailsettings:edit" else []
    url = reverse(url_name, args=args)
    for role in ("supervisor", "intake", "reviewer", "handler", "auditor", "editor"):
        client.force_login(world[role])
        response = client.get(url)
        assert (response.status_code == 200) is (role in allowed), (url_name, role, response.status_code)


def test_a_supervisor_changes_a_stage_limit_in_the_admin(client, world):
    from casework.models import StageLimits
    from casework.roles import ensure_role_groups

    ensure_role_groups()
    client.force_login(world["supervisor"])
    url = reverse("wagtailsettings:edit", args=["casework", "stagelimits", StageLimits.load().pk])
    form = {
        "screening_days": 4,
        "routing_days": 2,
        "handling_plan_days": 5,
        "reply_days": 20,
        "follow_up_days": 7,
        "due_soon_days": 2,
    }
    response = client.post(url, form)
    assert response.status_code == 302
    assert StageLimits.load().reply_days == 20


def test_the_csv_export_follows_the_scoping_and_masks_personal_data(client, world):
    CaseFactory(status=Status.ROUTED, department=world["dept"], subject="=HYPERLINK(1)")
    url = reverse("casework:case_export")
    client.force_login(world["handler"])
    response = client.get(url, {"inbox": "all"})
    assert response["Content-Disposition"].startswith("attachment")
    content = response.content.decode("utf-8-sig")
    assert world["mine"].reference in content and world["theirs"].reference not in content
    assert "王*明" in content and "王小明" not in content and "13812345678" not in content
    assert "'=HYPERLINK(1)" in content
    # Asking for the other department's cases by filter gives nothing.
    content = client.get(url, {"inbox": "all", "department": world["other"].pk}).content.decode("utf-8-sig")
    assert world["theirs"].reference not in content and world["mine"].reference not in content
    client.force_login(world["editor"])
    assert denied(client.get(url))


def test_every_back_office_page_opens_for_the_intake_officer(client, world):
    client.force_login(world["intake"])
    case = world["mine"]
    for url in (
        reverse("casework:case_index"),
        reverse("casework:case_index") + "?inbox=unassigned&status=routed&received_from=2026-01-01",
        reverse("casework:case_index") + "?received_from=not-a-date&p=999",
        reverse("casework:case_register"),
        reverse("casework:visit_index"),
        reverse("casework:visit_create"),
        reverse("casework:case_detail", args=[case.pk]),
        reverse("casework:case_print", args=[case.pk]),
        reverse("casework:case_registered", args=[case.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_handler_asks_the_citizen_from_the_case_page(client, world):
    case = world["mine"]
    action = reverse("casework:case_action", args=[case.pk, "request_evidence"])
    client.force_login(world["handler"])
    assert action in client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    empty = client.post(action, {"request_evidence-request": ""})
    assert empty.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.ROUTED
    client.post(action, {"request_evidence-request": "請提供現場照片。"})
    case.refresh_from_db()
    assert case.status == Status.AWAITING_INFORMATION and case.is_paused
    assert case.events.get(kind=Event.Kind.INFORMATION_REQUESTED).text == "請提供現場照片。"
