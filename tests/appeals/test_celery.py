from unittest import mock

import pytest
from celery import shared_task
from kombu.exceptions import EncodeError
from kombu.exceptions import OperationalError as KombuOperationalError

from appeals.tasks import enqueue_on_commit, ping


class TaskBug(Exception):
    pass


@shared_task(name="tests.appeals.test_celery.broken_task")
def broken_task(value):
    raise TaskBug(value)


@pytest.mark.django_db
def test_tasks_run_in_process_by_default():
    assert ping.delay().get(timeout=5)["pong"] is True


@pytest.mark.django_db
def test_an_eager_task_that_raises_fails_the_on_commit_send(django_capture_on_commit_callbacks):
    with pytest.raises(TaskBug, match="boom"), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(broken_task, "boom")


@pytest.mark.django_db
def test_an_unreachable_broker_is_logged_and_swallowed(
    broker_mode, django_capture_on_commit_callbacks, caplog
):
    refused = KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(ping, "apply_async", side_effect=refused) as apply_async,
        caplog.at_level("WARNING", logger="appeals.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(ping)
    apply_async.assert_called_once()
    (record,) = [r for r in caplog.records if r.name == "appeals.tasks"]
    assert record.levelname == "WARNING"
    assert "could not enqueue appeals.tasks.ping" in record.getMessage()
    assert record.exc_info[1] is refused


@pytest.mark.django_db
def test_a_send_that_fails_for_another_reason_than_the_broker_is_not_swallowed(
    broker_mode, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(ping, "apply_async", side_effect=EncodeError("not JSON serialisable")),
        pytest.raises(EncodeError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(ping)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_runs_tasks_against_the_same_database(celery_worker_process, demo_site_transactional):
    result = ping.delay().get(timeout=60)
    assert result["pong"] is True
    assert result["locales"] == 3
