import pytest

from appeals.tasks import ping


@pytest.mark.django_db
def test_tasks_run_in_process_by_default():
    assert ping.delay().get(timeout=5)["pong"] is True


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_runs_tasks_against_the_same_database(celery_worker_process, demo_site_transactional):
    result = ping.delay().get(timeout=60)
    assert result["pong"] is True
    assert result["locales"] == 3
