"""Model invariants: references, access codes, the append-only timeline, attachments, personal data."""

import threading
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from casework.attachments import add_attachment, validate_upload
from casework.models import Case, Event, PersonalDataAccess, ReferenceSequence
from tests.factories import PNG, CaseFactory


@pytest.mark.django_db
def test_references_follow_a_per_year_sequence(settings):
    settings.CASE_REFERENCE_PREFIX = "TP"
    assert ReferenceSequence.next_reference(2026) == "TP-2026-000001"
    assert ReferenceSequence.next_reference(2026) == "TP-2026-000002"
    assert ReferenceSequence.next_reference(2027) == "TP-2027-000001"


@pytest.mark.django_db
def test_personal_data_is_encrypted_at_rest_and_findable_by_exact_phone():
    from casework.crypto import lookup_hash

    case = CaseFactory(citizen_phone="0912-345-678", citizen_name="王小明")
    with connection.cursor() as cursor:
        cursor.execute("SELECT citizen_name, citizen_phone FROM casework_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()
    assert "王小明" not in stored[0] and "345" not in stored[1]
    assert Case.objects.get(citizen_phone_hash=lookup_hash("0912345678", "phone")) == case


@pytest.mark.django_db
def test_events_and_access_records_cannot_be_changed_or_deleted():
    case = CaseFactory()
    event = Event.objects.create(case=case, kind=Event.Kind.NOTE, text="內部備註")
    event.text = "改寫"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    record = PersonalDataAccess.objects.create(case=case, what="phone")
    with pytest.raises(ValueError):
        record.save()
    assert Event.objects.get(pk=event.pk).text == "內部備註"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (PNG, "image/png"),
        (b"GIF89a" + b"\x00" * 20, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n" + b"\x00" * 20, "application/pdf"),
    ],
)
def test_images_and_pdf_are_accepted_by_content(content, expected):
    assert validate_upload(SimpleUploadedFile("whatever.bin", content)) == expected


@pytest.mark.parametrize(
    "name, content",
    [
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("photo.png", b"<html>not really a png</html>"),
        ("empty.pdf", b""),
        ("big.pdf", b"%PDF-" + b"\x00" * (10 * 1024 * 1024)),
    ],
)
def test_anything_else_is_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.django_db
def test_attachments_are_stored_privately_under_a_random_name(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    case = CaseFactory()
    attachment = add_attachment(case, SimpleUploadedFile("../../etc/我的照片.png", PNG), user=None)
    assert attachment.content_type == "image/png"
    assert "我的照片" not in attachment.file.name and ".." not in attachment.file.name
    assert (tmp_path / attachment.file.name).read_bytes() == PNG
    assert attachment.display_name == "我的照片.png"
    assert case.events.filter(kind=Event.Kind.ATTACHMENT).exists()


# Transactional tests here use serialized rollback like every other one in the suite: the flush that
# ends a transactional test without it sends post_migrate, which puts the beat schedule and content
# types back under new keys, and the next serialized-rollback test on that database (a live worker's,
# a browser's) then fails to restore its saved rows: "duplicate key value violates unique constraint
# django_celery_beat_periodictask_name_key". Under xdist it showed only when both landed on one worker.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_references_stay_unique_under_concurrent_creation():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from django.db import connections

    references, errors = [], []

    def create(n):
        try:
            for _i in range(n):
                references.append(CaseFactory().reference)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(10,)) for _i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(references) == 80 == len(set(references))
    assert Case.objects.count() == 80


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_transitions_cannot_both_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from django.db import connections

    from casework import roles, workflow
    from tests.factories import DepartmentFactory, staff

    intake = staff(roles.INTAKE_OFFICER)
    dept_a, dept_b = DepartmentFactory(), DepartmentFactory()
    case = CaseFactory(status="accepted")
    barrier = threading.Barrier(2)
    results = []

    def route(department):
        try:
            barrier.wait()
            workflow.route(Case.objects.get(pk=case.pk), intake, department)
            results.append("ok")
        except workflow.TransitionNotAllowed:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=route, args=(d,)) for d in (dept_a, dept_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert Case.objects.get(pk=case.pk).events.filter(kind=Event.Kind.ROUTED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reference_numbers_come_from_a_sequence_that_holds_no_lock_until_commit(settings):
    """Two filings in flight at once both get their number at once, and never the same one."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL sequences")
    from django.db import connections, transaction

    settings.CASE_REFERENCE_PREFIX = "SQ"
    # Numbers the year already used (the counter kept before sequences) are never handed out again.
    ReferenceSequence.objects.create(year=2031, last_number=41)
    got_number = threading.Event()
    release = threading.Event()
    seen = []

    def slow_filing():
        try:
            with transaction.atomic():
                seen.append(ReferenceSequence.next_reference(2031))
                got_number.set()
                release.wait(10)  # still inside its transaction, e.g. writing uploads
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_filing)
    thread.start()
    assert got_number.wait(10)
    try:
        with transaction.atomic():
            # Would block until the other transaction ends if the number were taken under a row lock.
            seen.append(ReferenceSequence.next_reference(2031))
    finally:
        release.set()
        thread.join()
    assert sorted(seen) == ["SQ-2031-000042", "SQ-2031-000043"]
    numbers = ReferenceSequence.reserve(2031, 3)
    assert numbers == sorted(numbers) and min(numbers) > 43 and len(set(numbers)) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_emptied_database_numbers_from_one_again_but_a_used_year_keeps_its_sequence(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL sequences")
    from casework.models import drop_unused_reference_sequences

    settings.CASE_REFERENCE_PREFIX = "SQ"
    used = CaseFactory(received_at=timezone.make_aware(datetime(2032, 5, 1, 10, 0)))
    ReferenceSequence.next_reference(2033)  # a number taken, its filing rolled back: no case, no row
    drop_unused_reference_sequences()
    assert ReferenceSequence.next_reference(2033) == "SQ-2033-000001"
    assert ReferenceSequence.next_reference(2032) > used.reference
