"""One major complaint from the hotline to closure, through the admin, by five staff roles in turn."""

import pytest

from casework.models import Case, Department, Event, Status
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot, workflow_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "瀏覽器測試：工地夜間施工噪音"


def offered(page):
    return {
        form.get_attribute("action").rstrip("/").rsplit("/", 1)[-1]
        for form in page.locator("form[action*='/do/']").all()
    }


def test_a_case_from_registration_to_closure(live_server, demo_site_transactional, page, artifacts_dir):
    server = live_server.url

    # The intake officer registers a phone call and reads out the reference and reply date.
    log_in_to_admin(page, server, "intake")
    page.goto(f"{server}/admin/cases/?inbox=all")
    assert_accessible(page)
    page.goto(f"{server}/admin/cases/register/")
    assert_accessible(page)
    page.select_option("select[name=channel]", "hotline")
    page.select_option("select[name=category]", "complaint")
    page.fill("input[name=subject]", SUBJECT)
    page.fill("textarea[name=content]", "中山路工地每晚十一點後仍在施工。")
    page.fill("input[name=citizen_name]", "陳美玲")
    page.fill("input[name=citizen_phone]", "0912345678")
    page.check("input[name=is_major]")
    with page.expect_navigation():
        page.click("form[data-registration-form] button[type=submit]")
    case = Case.objects.get(subject=SUBJECT)
    assert page.locator("[data-reference]").inner_text() == case.reference
    assert page.locator("[data-reply-date]").inner_text() == case.reply_due.isoformat()
    assert case.check_access_code(page.locator("[data-access-code]").inner_text())
    save_screenshot(page, str(artifacts_dir / "casework-registered.png"))

    case_url = f"{server}/admin/cases/{case.pk}/"
    page.goto(case_url)
    assert_accessible(page)
    assert {"accept", "reject", "request_information"} <= offered(page)
    assert "handling_plan" not in offered(page)
    workflow_step(page, "accept")
    workflow_step(page, "route", {"department": "環境保護局"})
    assert Case.objects.get(pk=case.pk).department == Department.objects.get(code="epb")

    # The department handler plans, investigates, records the outcome and drafts the reply.
    log_in_to_admin(page, server, "handler")
    page.goto(case_url)
    assert "0912345678" in page.inner_text("main")  # their department's citizen, shown and logged
    workflow_step(page, "handling_plan", {"plan": "會同警察局夜間稽查"})
    save_screenshot(page, str(artifacts_dir / "casework-handler.png"), full_page=True)
    workflow_step(page, "record_outcome", {"characterisation": "屬實", "measures": "裁處罰鍰並限期改善"})
    workflow_step(page, "submit_for_review", {"draft_reply": "經查屬實，已依法裁處並要求夜間停工。"})
    assert offered(page) <= {
        "add_measure",
        "add_note",
        "post_progress",
        "pause",
        "request_extension",
        "request_evidence",
        "withdraw",
    }

    # The reviewer approves; a major case then waits for management.
    log_in_to_admin(page, server, "reviewer")
    page.goto(case_url)
    workflow_step(page, "approve_draft")
    assert Case.objects.get(pk=case.pk).status == Status.AWAITING_APPROVAL

    log_in_to_admin(page, server, "manager")
    page.goto(case_url)
    workflow_step(page, "manager_approve", {"comments": "同意答復"})

    log_in_to_admin(page, server, "handler")
    page.goto(case_url)
    workflow_step(page, "reply")

    # The supervisor records the follow-up call and closes the case.
    log_in_to_admin(page, server, "supervisor")
    page.goto(case_url)
    workflow_step(page, "record_satisfaction", {"satisfaction": "satisfied", "comment": "民眾表示噪音已改善"})
    workflow_step(page, "close")
    save_screenshot(page, str(artifacts_dir / "casework-closed.png"), full_page=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.satisfaction == "satisfied"
    kinds = list(case.events.values_list("kind", flat=True))
    for kind in (Event.Kind.REGISTERED, Event.Kind.APPROVED, Event.Kind.REPLIED, Event.Kind.CLOSED):
        assert kind in kinds
    assert page.locator(".timeline li.public").count() >= 5
    assert page.locator(".timeline li.internal").count() >= 4
    assert offered(page) == {"add_note"}

    # The printable record.
    page.goto(f"{case_url}print/")
    assert case.reference in page.inner_text("h1")
