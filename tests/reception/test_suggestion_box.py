"""The public suggestion box about the reception service: no account, a captcha, optional contact,
a rate limit; staff read the suggestions in the admin and mark them handled."""

import pytest
from captcha.conf import settings as captcha_settings

from reception.models import Suggestion
from tests.helpers import denied

pytestmark = pytest.mark.django_db

URL = "/zh-hant/suggestions/"


def leave(client, **overrides):
    data = {
        "text": "接待室的座位不足，建議增加座位。",
        "contact_name": "",
        "contact": "",
        "website": "",
        "captcha_0": "abc",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return client.post(URL, data)


def test_the_suggestion_box_is_in_the_sites_navigation_and_works_without_an_account(client, portal):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="captcha_1"' in html and 'class="govuk-button"' in html
    home = client.get("/zh-hant/").content.decode()
    assert 'href="/zh-hant/suggestions/"' in home


def test_a_citizen_leaves_a_suggestion_and_is_thanked(client, portal):
    response = leave(client, contact_name="王小明", contact="citizen@example.org")
    assert response.status_code == 302 and response["Location"] == URL + "thanks/"
    thanks = client.get(URL + "thanks/")
    assert thanks.status_code == 200 and "govuk-panel--confirmation" in thanks.content.decode()
    suggestion = Suggestion.objects.get()
    assert suggestion.text == "接待室的座位不足，建議增加座位。"
    assert suggestion.contact == "citizen@example.org" and suggestion.language == "zh-hant"
    assert suggestion.handled_at is None


def test_a_wrong_captcha_or_an_empty_suggestion_is_explained_and_nothing_is_kept(client, portal, monkeypatch):
    response = leave(client, text="  ")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "text" in response.context["form"].errors

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    response = leave(client, captcha_1="WRONG")
    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors
    assert Suggestion.objects.count() == 0


def test_too_long_input_is_refused_with_a_message(client, portal):
    response = leave(client, text="長" * 4001, contact="x" * 201)
    assert response.status_code == 200
    assert {"text", "contact"} <= set(response.context["form"].errors)
    assert Suggestion.objects.count() == 0


def test_a_bots_hidden_field_is_thanked_but_not_kept(client, portal):
    assert leave(client, website="http://spam.example").status_code == 302
    assert Suggestion.objects.count() == 0


def test_the_rate_limit_answers_429(client, portal, settings):
    settings.SUGGESTION_SUBMISSIONS_PER_HOUR = 2
    for _n in range(2):
        assert leave(client).status_code == 302
    refused = leave(client)
    assert refused.status_code == 429
    assert Suggestion.objects.count() == 2


# --- The back office ----------------------------------------------------------------------------


def test_an_intake_officer_reads_a_suggestion_and_marks_it_handled(client, portal, office, admin_access):
    leave(client, contact="citizen@example.org")
    suggestion = Suggestion.objects.get()
    client.force_login(office.intake)
    listing = client.get("/admin/reception/suggestions/")
    assert listing.status_code == 200
    assert "接待室的座位不足" in listing.content.decode()

    response = client.post(
        f"/admin/reception/suggestions/edit/{suggestion.pk}/",
        {"handling_note": "已增加六個座位。", "handled": "on"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.handled_at is not None and suggestion.handled_by == office.intake
    assert suggestion.handling_note == "已增加六個座位。"


def test_auditors_read_suggestions_but_cannot_change_them_and_handlers_see_nothing(
    client, portal, office, admin_access
):
    leave(client)
    suggestion = Suggestion.objects.get()
    client.force_login(office.auditor)
    assert client.get("/admin/reception/suggestions/").status_code == 200
    assert client.get(f"/admin/reception/suggestions/inspect/{suggestion.pk}/").status_code == 200
    assert denied(client.post(f"/admin/reception/suggestions/edit/{suggestion.pk}/", {"handled": "on"}))
    client.force_login(office.handler)
    assert denied(client.get("/admin/reception/suggestions/"))
    suggestion.refresh_from_db()
    assert suggestion.handled_at is None
