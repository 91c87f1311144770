"""Personal data never sits in clear in the case search index: only keyed hashes of its terms."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from casework import crypto, effects, roles
from casework.models import Visit
from search import cases, elastic
from search.models import CaseSearchEntry
from search.scope import Scope
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = pytest.mark.django_db

CLEAR = ("王小明", "小明", "13912345678", "probe", "example")
PERSONAL = {
    "citizen_name": "王小明",
    "citizen_phone": "13912345678",
    "citizen_email": "citizen.probe@example.com",
}
ALL = Scope(departments=None, personal=None)
HANDLER = Scope(departments=frozenset({7}), personal=frozenset({7}))


@pytest.fixture
def registered(django_capture_on_commit_callbacks):
    roles.ensure_role_groups()
    department = DepartmentFactory(code="epb")
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory(subject="投訴：工地噪音", content="每晚施工。", department=department, **PERSONAL)
    return case


def raw_entry(case):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_terms, terms, personal_terms FROM case_search_casesearchentry WHERE case_id = %s",
            [case.pk],
        )
        return cursor.fetchone()


def test_term_hash_is_short_keyed_hex(settings):
    settings.PERSONAL_DATA_HASH_KEY = "one key"
    first = crypto.term_hash("13912345678")
    assert len(first) == 16 and int(first, 16) >= 0
    assert crypto.term_hash("13912345678") == first
    assert crypto.term_hash("13912345678") != crypto.lookup_hash("13912345678", "phone")[:16]
    settings.PERSONAL_DATA_HASH_KEY = "another key"
    assert crypto.term_hash("13912345678") != first


def test_the_entry_and_its_document_hold_hashes_of_personal_data_only(registered):
    entry = CaseSearchEntry.objects.get(case=registered)
    row = raw_entry(registered)
    source = elastic.document_for(registered, cases.document_values(registered)).to_dict()
    stored_texts = (entry.personal_terms, entry.terms, *row, source["personal_terms"], source["terms"])
    for stored in (*stored_texts, source["folded"]):
        for clear in CLEAR:
            assert clear not in stored
    for term in ("王小明", "小明", "13912345678", "probe", "example"):
        assert f" {crypto.term_hash(term)} " in entry.personal_terms
        assert crypto.term_hash(term) in source["personal_terms"].split()
    assert "投诉" in entry.terms.split()  # what is not personal stays readable


def test_visitors_details_are_hashed_too(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory(subject="來訪")
        Visit.objects.create(
            case=case,
            visited_at=case.received_at,
            reason="詢問",
            visitor_names="李大同",
            contacts="0922333444",
        )
        effects.emit(effects.CASE_CHANGED, case.pk)  # what the command layer announces
    entry = CaseSearchEntry.objects.get(case=case)
    assert "李大同" not in entry.personal_terms and "0922333444" not in entry.personal_terms
    assert f" {crypto.term_hash('0922333444')} " in entry.personal_terms


def test_an_intake_officer_still_finds_the_case_by_personal_data(registered):
    intake = staff(roles.INTAKE_OFFICER, username="intake-probe")
    auditor = staff(roles.AUDITOR, username="auditor-probe")
    for query in ("13912345678", "王小明", "citizen.probe@example.com"):
        results = cases.search(intake, query)
        assert [case.pk for case in results.cases] == [registered.pk]
        assert results.personal_matches == {registered.pk}
        assert cases.search(auditor, query).cases == []


def test_the_elasticsearch_query_carries_the_hash_not_the_term():
    for scope in (ALL, HANDLER):
        body = str(elastic.build_search(scope, "13912345678", cases.Filters()).to_dict())
        assert f"'personal_terms': '{crypto.term_hash('13912345678')}'" in body
        assert "'personal_terms': '13912345678'" not in body


def test_the_migration_rewrites_clear_personal_terms_as_hashes(registered):
    CaseSearchEntry.objects.filter(case=registered).update(personal_terms=" 王小明 13912345678 ")
    migration = importlib.import_module("search.migrations.0005_hash_personal_terms")
    migration.hash_personal_terms(apps, connection.schema_editor())
    entry = CaseSearchEntry.objects.get(case=registered)
    assert entry.personal_terms == cases.entry_values(registered)["personal_terms"]
    assert "13912345678" not in entry.personal_terms


def test_retention_leaves_no_personal_terms_in_the_entry(settings):
    from datetime import timedelta

    from django.utils import timezone

    from casework.models import Category, Channel, Satisfaction, Status
    from retention import services as retention

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    now = timezone.now()
    case = CaseFactory(
        status=Status.CLOSED,
        category=Category.COMPLAINT,
        channel=Channel.WEB,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        received_at=now - timedelta(days=90),
        replied_at=now - timedelta(days=80),
        closed_at=now - timedelta(days=60),
        **PERSONAL,
    )
    Visit.objects.create(
        case=case, visited_at=now - timedelta(days=85), reason="詢問", visitor_names="李大同"
    )
    assert CaseSearchEntry.objects.get(case=case).personal_terms
    retention.run()
    assert CaseSearchEntry.objects.get(case=case).personal_terms == ""
