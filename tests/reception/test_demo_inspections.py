"""The demo's inspections and external supervision: every screen of the item has something to show."""

import pytest

from reception.models import Inspection, Questionnaire, Suggestion, ThirdPartyEvaluation
from tests.conftest import load_demo

# The demo dates its rows from today, so what it covers must hold on any day of the year.
pytestmark = [pytest.mark.date_sensitive, pytest.mark.django_db]


def test_the_demo_has_an_inspection_questionnaires_suggestions_and_an_evaluation(demo_site, client):
    inspection = Inspection.objects.get()
    assert inspection.published
    findings = list(inspection.findings.all())
    assert any(f.verified_on for f in findings) and any(f.verified_on is None for f in findings)
    assert Questionnaire.objects.filter(answered_at__isnull=False).count() >= 3
    assert Questionnaire.objects.filter(answered_at__isnull=True).exists()
    assert Suggestion.objects.filter(handled_at__isnull=False).count() == 1
    assert Suggestion.objects.count() >= 3
    assert ThirdPartyEvaluation.objects.exists()

    counts = (Inspection.objects.count(), Questionnaire.objects.count(), Suggestion.objects.count())
    load_demo()
    assert (Inspection.objects.count(), Questionnaire.objects.count(), Suggestion.objects.count()) == counts

    for language in ("zh-hant", "zh-hans", "en"):
        assert client.get(f"/{language}/suggestions/").status_code == 200
        page = client.get(f"/{language}/disclosure/inspections/")
        assert page.status_code == 200
        assert inspection.findings.first().department.name in page.content.decode()
