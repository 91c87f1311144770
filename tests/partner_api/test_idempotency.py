"""Retries never file a second case: the same Idempotency-Key and body answer the first response."""

import threading

import pytest
from django.db import connection

from casework.models import Case
from partner_api import filing
from partner_api.models import PartnerSubmission

from .conftest import CASE, file_case


def test_a_retry_with_the_same_key_and_body_returns_the_first_answer_and_files_nothing(api):
    first = file_case(api, key="3f1c-retry")
    again = file_case(api, key="3f1c-retry")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    # The key is kept hashed, with the partner and the case.
    submission = PartnerSubmission.objects.get()
    assert submission.case.reference == first.json()["reference"]
    assert "3f1c-retry" not in submission.key_hash


def test_the_same_key_with_another_body_is_refused_clearly(api):
    file_case(api, key="k-1")
    other = file_case(api, key="k-1", body={**CASE, "subject": "Another matter"})
    assert other.status_code == 422
    assert "different body" in other.json()["detail"]
    assert Case.objects.count() == 1


def test_open311_retries_are_idempotent_too_and_keys_belong_to_one_partner(api, other_api):
    data = {"service_code": "help", "description": "Need help with a form"}
    first = api.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="o-1")
    again = api.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="o-1")
    assert again.json() == first.json()
    # Another partner's key of the same name is its own.
    elsewhere = other_api.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="o-1")
    assert elsewhere.status_code == 201
    assert elsewhere.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Case.objects.count() == 2
    changed = api.post("/open311/v2/requests.json", {**data, "description": "x"}, HTTP_IDEMPOTENCY_KEY="o-1")
    assert changed.status_code == 422
    assert changed.json()[0]["code"] == 422


def test_without_a_key_each_post_is_a_new_case(api):
    file_case(api)
    file_case(api)
    assert Case.objects.count() == 2


def test_a_duplicate_that_lost_the_race_answers_the_winners_response(api, partner, monkeypatch):
    """Two copies at once both find no earlier submission; the unique index stops the second."""
    first = file_case(api, key="race")
    real_earlier = filing._earlier
    calls = []

    def missed_once(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_earlier(*args)

    monkeypatch.setattr(filing, "_earlier", missed_once)
    second = file_case(api, key="race")
    assert len(calls) == 2  # looked again after the unique index refused the row
    assert second.status_code == 201
    assert second.json() == first.json()
    assert Case.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_file_one_case(partner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    from django.db import connections

    from .conftest import client_for

    api = client_for(partner)
    barrier = threading.Barrier(4)
    answers, errors = [], []

    def send():
        try:
            barrier.wait()
            answers.append(file_case(api, key="together"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["reference"] for answer in answers}) == 1
    assert Case.objects.count() == 1


def test_a_key_and_its_stored_answer_are_forgotten_after_a_day(api):
    from datetime import timedelta

    from django.utils import timezone

    from casework import housekeeping

    file_case(api, key="day-old")
    submission = PartnerSubmission.objects.get()
    assert housekeeping.run()["partner_submissions"] == 0
    PartnerSubmission.objects.filter(pk=submission.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert housekeeping.run()["partner_submissions"] == 1
    # The access code in the first answer is gone with it; the case stays.
    assert not PartnerSubmission.objects.exists() and Case.objects.count() == 1
