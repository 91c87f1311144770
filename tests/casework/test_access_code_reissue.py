"""Staff reissue a citizen's access code after checking who they are: sent to the citizen or shown
once to read out, recorded on the internal timeline and in the personal-data access log."""

import re

import pytest
from django.urls import reverse

from casework import roles, workflow
from casework.models import Channel, Event, OutboxMessage, PersonalDataAccess
from notifications import outbox
from tests.factories import staff
from tests.helpers import denied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]


@pytest.fixture
def filed():
    case, code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject="路燈故障",
        content="住家附近的路燈已經壞了兩週。",
        citizen_name="王小明",
        citizen_phone="0912345678",
    )
    return case, code


def reissue(client, case, **data):
    form = {
        "identity_confirmed": "on",
        "identity_check": "電話核對姓名與地址",
        "delivery": "send",
        **data,
    }
    return client.post(reverse("casework:access_code_reissue", args=[case.pk]), form)


@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER])
def test_staff_send_a_new_code_by_sms_and_the_old_one_stops_working(client, filed, role):
    case, old_code = filed
    user = staff(role)
    client.force_login(user)
    response = reissue(client, case)
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert not case.check_access_code(old_code)
    message = OutboxMessage.objects.get(case=case, template="access_code")
    assert message.channel == "sms" and message.address == "0912345678"
    _subject, body = outbox.render(message)
    new_code = re.search(r"[A-Z2-9]{12}", body).group(0)
    assert case.check_access_code(new_code)
    event = case.events.get(kind=Event.Kind.ACCESS_CODE_REISSUED)
    assert event.actor == user and not event.is_public and "電話核對姓名與地址" in event.text
    assert PersonalDataAccess.objects.filter(user=user, case=case).exists()


def test_a_code_to_read_out_is_shown_once(client, filed):
    case, _old = filed
    client.force_login(staff(roles.INTAKE_OFFICER))
    response = reissue(client, case, delivery="read_out")
    assert response["Location"] == reverse("casework:access_code_reissued", args=[case.pk])
    html = client.get(response["Location"]).content.decode()
    code = re.search(r"data-access-code>([A-Z2-9]{12})<", html).group(1)
    case.refresh_from_db()
    assert case.check_access_code(code)
    assert not OutboxMessage.objects.filter(case=case, template="access_code").exists()
    assert code not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"identity_confirmed": ""}, "identity_confirmed"),
        ({"identity_check": " "}, "identity_check"),
    ],
)
def test_no_code_without_the_identity_check(client, filed, data, field):
    case, code = filed
    client.force_login(staff(roles.INTAKE_OFFICER))
    response = reissue(client, case, **data)
    assert response.status_code == 400
    assert response.context["reissue_form"].errors[field]
    case.refresh_from_db()
    assert case.check_access_code(code)
    assert not case.events.filter(kind=Event.Kind.ACCESS_CODE_REISSUED).exists()


def test_a_case_without_contact_can_only_have_its_code_read_out(client, filed):
    case, code = filed
    type(case).objects.filter(pk=case.pk).update(citizen_phone="")
    client.force_login(staff(roles.INTAKE_OFFICER))
    response = reissue(client, case, delivery="both")
    assert response.status_code == 400 and response.context["reissue_form"].errors["delivery"]


@pytest.mark.parametrize("role", [roles.HANDLER, roles.REVIEWER, roles.AUDITOR])
def test_other_roles_cannot_reissue(client, filed, role):
    case, code = filed
    user = staff(role)
    client.force_login(user)
    response = reissue(client, case)
    # Handlers and reviewers do not see a case outside their departments at all (404).
    assert denied(response) or response.status_code == 404
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.reissue_access_code(case, user, identity_check="看過身分證")
    case.refresh_from_db()
    assert case.check_access_code(code)


def test_the_case_page_offers_the_reissue_only_to_those_who_may(client, filed):
    case, _code = filed
    url = reverse("casework:case_detail", args=[case.pk])
    client.force_login(staff(roles.INTAKE_OFFICER))
    assert 'id="reissue-access-code"' in client.get(url).content.decode()
    client.force_login(staff(roles.AUDITOR))
    assert 'id="reissue-access-code"' not in client.get(url).content.decode()
