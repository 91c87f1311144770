"""Satisfaction questionnaires after closure: sent once per closed case N days later, answered once
through the link without an account, and counted in the statistics."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation

from casework.models import OutboxMessage, Status
from reception import inspections
from reception.models import Questionnaire
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
TZ = ZoneInfo(settings.TIME_ZONE)


def closed_case(days_ago, **kwargs):
    closed = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), TZ) + timedelta(hours=10)
    return CaseFactory(status=Status.CLOSED, closed_at=closed, **kwargs)


def link_in(message):
    return re.search(r"https?://\S+/questionnaire/\S+/", message.context["url"]).group(0)


def all_ratings(value=4):
    return {name: value for name, _label in inspections.QUESTIONS}


def test_it_sends_one_questionnaire_per_case_closed_n_days_ago_and_running_again_sends_nothing(
    portal, settings
):
    settings.QUESTIONNAIRE_DAYS_AFTER_CLOSURE = 3
    due = closed_case(3, language="en")
    too_recent = closed_case(2)
    anonymous = closed_case(3, citizen_email="", citizen_phone="")
    still_open = CaseFactory(status=Status.REPLIED)

    assert inspections.send_questionnaires(TODAY) == 1
    assert inspections.send_questionnaires(TODAY) == 0

    assert list(Questionnaire.objects.values_list("case_id", flat=True)) == [due.pk]
    message = OutboxMessage.objects.get(template="questionnaire")
    assert message.case_id == due.pk and message.address == "citizen@example.org"
    assert link_in(message).startswith("https://portal.example.org/en/questionnaire/")
    assert not Questionnaire.objects.filter(case__in=[too_recent, anonymous, still_open]).exists()
    # The day after, the case closed two days before TODAY is due.
    assert inspections.send_questionnaires(TODAY + timedelta(days=1)) == 1


def test_a_missed_run_still_reaches_the_cases_closed_in_the_days_it_missed(portal, settings):
    settings.QUESTIONNAIRE_DAYS_AFTER_CLOSURE = 3
    closed_case(8)
    assert inspections.send_questionnaires(TODAY) == 1


def test_the_message_text_carries_the_link_in_the_citizens_language(portal):
    from notifications.outbox import render

    closed_case(3, language="en")
    inspections.send_questionnaires(TODAY)
    subject, body = render(OutboxMessage.objects.get(template="questionnaire"))
    assert "questionnaire" in subject
    assert "/en/questionnaire/" in body


def test_the_link_answers_once(portal):
    closed_case(3)
    inspections.send_questionnaires(TODAY)
    questionnaire = Questionnaire.objects.get()
    token = inspections.make_token(questionnaire)

    inspections.answer_questionnaire(token, all_ratings(5), "很好")
    with pytest.raises(inspections.TokenError) as error:
        inspections.answer_questionnaire(token, all_ratings(1))
    assert error.value.status == 410
    questionnaire.refresh_from_db()
    assert questionnaire.rating_handling == 5 and questionnaire.comment == "很好"


def test_a_tampered_or_expired_link_is_refused(portal, settings):
    closed_case(3)
    inspections.send_questionnaires(TODAY)
    questionnaire = Questionnaire.objects.get()
    token = inspections.make_token(questionnaire)
    with pytest.raises(inspections.TokenError):
        inspections.questionnaire_for_token(token[:-2] + "xx")
    with pytest.raises(inspections.TokenError):
        inspections.questionnaire_for_token("12:abc")
    late = questionnaire.sent_at + timedelta(days=settings.QUESTIONNAIRE_VALID_DAYS + 1)
    with pytest.raises(inspections.TokenError) as error:
        inspections.questionnaire_for_token(token, now=late)
    with translation.override("en"):
        assert "expired" in str(error.value)


# --- The public page ---------------------------------------------------------------------------


@pytest.fixture
def token(portal):
    closed_case(3)
    inspections.send_questionnaires(TODAY)
    return inspections.make_token(Questionnaire.objects.get())


def answers(**overrides):
    data = {name: "4" for name, _label in inspections.QUESTIONS}
    data["comment"] = "接待人員很有禮貌。"
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_the_questionnaire_opens_without_an_account_in_each_language(client, token, language):
    response = client.get(f"/{language}/questionnaire/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="govuk-radios__input"') == 5 * len(inspections.QUESTIONS)
    assert 'type="submit"' in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    if language == "en":
        assert "How courteous and helpful were our staff?" in html


def test_a_citizen_answers_and_the_link_then_says_so(client, token):
    url = f"/en/questionnaire/{token}/"
    response = client.post(url, answers())
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.answered_at is not None and questionnaire.rating_staff == 4

    again = client.get(url)
    assert again.status_code == 410
    assert "already been answered" in again.content.decode()
    assert client.post(url, answers(rating_staff="1")).status_code == 410
    questionnaire.refresh_from_db()
    assert questionnaire.rating_staff == 4


def test_missing_or_impossible_ratings_are_explained_and_nothing_is_saved(client, token):
    url = f"/en/questionnaire/{token}/"
    response = client.post(url, answers(rating_access="", rating_staff="9"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Choose one answer." in html and "Choose one of the answers shown." in html
    assert Questionnaire.objects.get().answered_at is None


def test_a_bad_link_gets_a_clear_page_not_an_error(client, portal):
    response = client.get("/en/questionnaire/not-a-token/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    response = client.post("/en/questionnaire/999:forged/", answers())
    assert response.status_code == 404


# --- Statistics ---------------------------------------------------------------------------------


def test_the_statistics_show_the_counts_and_the_average_per_question(client, portal, office, admin_access):
    for _n in range(3):
        closed_case(3)
    inspections.send_questionnaires(TODAY)
    Questionnaire.objects.update(sent_at=datetime(2026, 3, 10, 9, tzinfo=TZ))
    first, second, _third = Questionnaire.objects.order_by("pk")
    inspections.answer_questionnaire(inspections.make_token(first), all_ratings(5), now=first.sent_at)
    inspections.answer_questionnaire(
        inspections.make_token(second), {**all_ratings(4), "rating_staff": 2}, now=second.sent_at
    )

    with translation.override("en"):
        results = inspections.questionnaire_results(date(2026, 3, 1), date(2026, 3, 31))
    assert results["sent"] == 3 and results["answered"] == 2
    by_question = {label: (count, avg) for label, count, avg in results["questions"]}
    assert by_question["How courteous and helpful were our staff?"] == (2, 3.5)
    assert inspections.questionnaire_results(date(2026, 4, 1), date(2026, 4, 30))["sent"] == 0

    client.force_login(office.manager)
    response = client.get("/admin/statistics/", {"start": "2026-03-01", "end": "2026-03-31"})
    html = response.content.decode()
    table = html.split('id="statistics-questionnaire-table"')[1].split("</table>")[0]
    assert "<td>3.5</td>" in table and "<td>4.5</td>" in table
    section = html.split('id="statistics-questionnaire"')[1].split("<table")[0]
    counts = section.split("<p>")[1].split("</p>")[0]
    assert re.findall(r"\d+", counts) == ["3", "2"]  # sent, answered
    assert "<svg" in section


def test_the_daily_task_sends_the_questionnaires_and_the_finding_reminders(portal, time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=TZ))
    closed_case(3)
    from reception.tasks import external_supervision_round

    assert external_supervision_round.delay().get() == {"questionnaires": 1, "finding_reminders": 0}
    assert external_supervision_round.delay().get() == {"questionnaires": 0, "finding_reminders": 0}
