"""The mailbox's review queue in the browser: an intake officer finds the e-mail the mailbox could
not read, opens it and files it as a case from the prefilled form; each screen passes axe, at the
desk's width and a phone's."""

import pytest
from django.contrib.auth.models import Group, Permission

from casework import roles
from casework.models import Case, Channel
from demo import mailbox as mailbox_demo
from demo.cases import DEMO_PASSWORD
from mailroom.models import ReviewItem
from tests.factories import staff
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_intake_files_an_unreadable_email_by_hand(live_server, page, artifacts_dir):
    permission = Permission.objects.get(codename="access_admin")
    Group.objects.get_or_create(name=roles.INTAKE_OFFICER)[0].permissions.add(permission)
    officer = staff(roles.INTAKE_OFFICER, username="mail-intake")
    officer.set_password(DEMO_PASSWORD)
    officer.save()
    mailbox_demo.load_mailbox()
    item = ReviewItem.objects.get()
    server = live_server.url

    log_in_to_admin(page, server, "mail-intake")
    page.goto(f"{server}/admin/mailbox/")
    assert page.locator("[data-sender]").first.inner_text() == "c***@example.org"
    assert_accessible(page)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        save_screenshot(page, artifacts_dir / f"mailbox-review-queue-{width}.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.click(f"[data-review-item='{item.pk}'] a")
    assert page.locator("[data-sender]").inner_text().strip().endswith("<chen.xj@example.org>")
    assert "公園的水池" in page.locator("[data-text]").inner_text()
    assert_accessible(page)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        save_screenshot(page, artifacts_dir / f"mailbox-review-message-{width}.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    form = page.locator("[data-file-form]")
    assert form.locator("[name=subject]").input_value() == "公園池塘"
    form.locator("[name=category]").select_option("complaint")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    case = Case.objects.get(channel=Channel.EMAIL, subject="公園池塘")
    assert case.citizen_email == "chen.xj@example.org"
    assert case.reference in page.locator(".messages").inner_text()
    item.refresh_from_db()
    assert item.state == ReviewItem.State.FILED and item.case == case
