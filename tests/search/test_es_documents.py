"""The Elasticsearch side: index definition, documents and query bodies as they are sent.

Live tests (marked elasticsearch) run only when ELASTICSEARCH_URL names a running cluster.
"""

import os
from datetime import date

import pytest

from casework import roles
from casework.crypto import term_hash
from casework.models import Category, Event, Status
from search import cases, elastic
from search.scope import Scope
from tests.factories import CaseFactory, DepartmentFactory, staff

ALL = Scope(departments=None, personal=None)
AUDITOR = Scope(departments=None, personal=frozenset())
HANDLER = Scope(departments=frozenset({7}), personal=frozenset({7}))


def test_index_names_are_per_environment_behind_an_alias(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "appeals-staging"
    assert elastic.alias_name() == "appeals-staging-cases"
    assert elastic.new_index_name().startswith("appeals-staging-cases-2")


def test_mapping_reads_token_text_on_whitespace_and_folded_text_as_cjk_bigrams():
    body = elastic.case_index("appeals-test-cases-1").to_dict()
    analysis = body["settings"]["analysis"]["analyzer"]
    assert analysis["case_terms"] == {"type": "custom", "tokenizer": "whitespace"}
    assert analysis["case_cjk"]["filter"] == ["cjk_width", "lowercase", "cjk_bigram"]
    properties = body["mappings"]["properties"]
    assert properties["terms"] == {"type": "text", "analyzer": "case_terms"}
    assert properties["personal_terms"] == {"type": "text", "analyzer": "case_terms"}
    assert properties["folded"] == {"type": "text", "analyzer": "case_cjk"}
    assert properties["department"] == {"type": "integer"}
    assert properties["status"] == {"type": "keyword"}


@pytest.mark.django_db
def test_document_holds_the_normalised_terms_and_keeps_personal_data_apart():
    department = DepartmentFactory(code="epb")
    case = CaseFactory(
        subject="投訴：工地噪音",
        content="每晚施工。",
        department=department,
        category=Category.COMPLAINT,
        citizen_name="陳志明",
        citizen_phone="0912345678",
    )
    Event.objects.create(case=case, kind=Event.Kind.NOTE, text="已派員稽查")
    document = elastic.document_for(case, cases.document_values(case)).to_dict(include_meta=True)
    source = document["_source"]
    assert document["_id"] == case.pk
    assert " 投诉 " in f" {source['terms']} " and " 噪音 " in f" {source['terms']} "
    assert "稽查" in source["terms"].split()
    assert term_hash("0912345678") in source["personal_terms"].split()
    assert "0912345678" not in source["personal_terms"] and "志明" not in source["personal_terms"]
    assert "0912345678" not in source["terms"] and "志明" not in source["terms"]
    assert "投诉" in source["folded"]  # folded to Simplified for the CJK analyzer
    assert source["department"] == department.pk and source["category"] == "complaint"


@pytest.mark.django_db
def test_query_requires_every_term_and_scopes_a_handler_to_their_departments():
    body = elastic.build_search(HANDLER, "投訴 噪音", cases.Filters(), today=date(2026, 11, 24)).to_dict()
    query = body["query"]["bool"]
    assert len(query["must"]) == 2  # 投诉, 噪音
    first = query["must"][0]["bool"]
    assert first["should"][0] == {"term": {"terms": "投诉"}}
    # Personal data counts only within the handler's own departments.
    assert first["should"][1] == {
        "bool": {"filter": [{"term": {"personal_terms": term_hash("投诉")}}, {"terms": {"department": [7]}}]}
    }
    assert {"terms": {"department": [7]}} in query["filter"]
    assert body["sort"][0] == "_score"


@pytest.mark.django_db
def test_roles_without_personal_data_never_query_it():
    body = elastic.build_search(AUDITOR, "0912345678", cases.Filters()).to_dict()
    assert "personal_terms" not in str(body)
    body = elastic.build_search(ALL, "0912345678", cases.Filters()).to_dict()
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert {"term": {"personal_terms": term_hash("0912345678")}} in should
    assert {"term": {"terms": "0912345678"}} in should  # the text itself is matched as typed
    assert "filter" not in body["query"]["bool"]  # no department limit for those who see every case


@pytest.mark.django_db
def test_filters_facets_order_and_page():
    filters = cases.Filters(status="in_progress", channel="web", department=7, sla="overdue")
    search = elastic.build_search(
        ALL, "噪音", filters, sort="date", page=3, per_page=20, today=date(2026, 11, 24)
    )
    body = search.to_dict()
    clauses = body["query"]["bool"]["filter"]
    assert {"term": {"status": "in_progress"}} in clauses
    assert {"term": {"channel": "web"}} in clauses
    assert {"term": {"department": 7}} in clauses
    assert {"range": {"due_date": {"lt": "2026-11-24"}}} in clauses
    assert set(body["aggs"]) == {"status", "category", "channel", "department", "sla"}
    assert body["aggs"]["department"] == {"terms": {"field": "department", "size": elastic.FACET_SIZE}}
    assert set(body["aggs"]["sla"]["filters"]["filters"]) == {"overdue", "due_soon", "on_time"}
    assert body["sort"][0] == {"received_at": {"order": "desc"}}
    assert body["from"] == 40 and body["size"] == 20
    assert body["_source"] is False and body["track_total_hits"] is True


@pytest.mark.django_db
def test_unreachable_elasticsearch_marks_the_case_for_catch_up(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    case = CaseFactory(subject="停電求助")
    entry = cases.index_case(case.pk)
    assert entry.elasticsearch_pending is True
    assert cases.catch_up() == 0  # still down: nothing sent, nothing lost
    assert cases.CaseSearchEntry.objects.get(pk=case.pk).elasticsearch_pending


# --- Live ----------------------------------------------------------------------------------------


@pytest.mark.elasticsearch
@pytest.mark.django_db
def test_live_search_scoped_with_facets(settings, django_capture_on_commit_callbacks):
    if not os.environ.get("ELASTICSEARCH_URL"):
        pytest.skip("needs a live Elasticsearch (ELASTICSEARCH_URL)")
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"appeals-test-{os.getpid()}"
    roles.ensure_role_groups()
    epb = DepartmentFactory(code="epb")
    dot = DepartmentFactory(code="dot")
    with django_capture_on_commit_callbacks(execute=True):
        mine = CaseFactory(subject="投訴工地噪音", department=epb, status=Status.IN_PROGRESS)
        CaseFactory(subject="投訴夜市噪音", department=dot, status=Status.IN_PROGRESS)
    es = elastic.client()
    try:
        es.indices.refresh(index=elastic.alias_name())
        handler = staff(roles.HANDLER, epb)
        results = cases.search(handler, "投诉 噪音")
        assert results.backend == "elasticsearch"
        assert [case.pk for case in results.cases] == [mine.pk]
        assert {v.value: v.count for v in results.facets["department"]} == {str(epb.pk): 1}
    finally:
        es.indices.delete(index=f"{elastic.alias_name()}-*", ignore_unavailable=True)


class FakeElasticsearch:
    """Answers a search with a fixed response, and keeps the request body it was sent."""

    def __init__(self, *bodies):
        self.bodies = list(bodies)
        self.requests = []

    def search(self, index, body, **params):
        self.requests.append((index, body))
        # One answer per request, in order; the last one answers every request after it.
        answer = self.bodies[min(len(self.requests), len(self.bodies)) - 1]
        return type("Answer", (), {"body": answer})()


def answer_with(*case_ids):
    return {
        "hits": {
            "total": {"value": len(case_ids), "relation": "eq"},
            "hits": [{"_id": str(pk), "_index": "appeals-test-cases-1", "_score": 1.0} for pk in case_ids],
        },
        "aggregations": {
            **{name: {"buckets": []} for name in ("status", "category", "channel", "department")},
            "sla": {"buckets": {state: {"doc_count": 0} for state in ("overdue", "due_soon", "on_time")}},
        },
    }


@pytest.mark.django_db
def test_an_answer_becomes_cases_and_facet_counts(monkeypatch, settings):
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    department = DepartmentFactory(code="epb", name="環保局")
    handler = staff(roles.HANDLER, department)
    case = CaseFactory(subject="投訴工地噪音", department=department)
    answer = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {"_id": str(case.pk), "_index": "appeals-test-cases-1", "_score": 3.0},
                {"_id": "999999", "_index": "appeals-test-cases-1", "_score": 1.0},  # deleted meanwhile
            ],
        },
        "aggregations": {
            "status": {"buckets": [{"key": "received", "doc_count": 2}]},
            "category": {"buckets": [{"key": "inquiry", "doc_count": 2}]},
            "channel": {"buckets": [{"key": "web", "doc_count": 2}]},
            "department": {"buckets": [{"key": department.pk, "doc_count": 2}]},
            "sla": {
                "buckets": {
                    "overdue": {"doc_count": 1},
                    "due_soon": {"doc_count": 0},
                    "on_time": {"doc_count": 0},
                }
            },
        },
    }
    fake = FakeElasticsearch(answer)
    monkeypatch.setattr(elastic, "client", lambda: fake)
    results = cases.search(handler, "投诉 噪音")
    assert results.backend == "elasticsearch" and not results.notice
    assert [c.pk for c in results.cases] == [case.pk]
    assert results.total == 2
    assert [(v.label, v.count) for v in results.facets["department"]] == [("環保局", 2)]
    assert [(v.value, v.count) for v in results.facets["sla"]] == [("overdue", 1)]
    index, body = fake.requests[0]
    assert index == ["appeals-test-cases"]
    assert {"terms": {"department": [department.pk]}} in body["query"]["bool"]["filter"]


@pytest.mark.django_db
def test_a_stale_document_never_shows_a_case_of_another_department(monkeypatch, settings):
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    epb = DepartmentFactory(code="epb", name="環保局")
    dot = DepartmentFactory(code="dot", name="交通局")
    handler = staff(roles.HANDLER, epb)
    own = CaseFactory(subject="投訴工地噪音", department=epb)
    # Re-routed to another department; the index still files it under the handler's department.
    moved = CaseFactory(subject="投訴工地噪音 夜間", department=dot)
    answer = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {"_id": str(moved.pk), "_index": "appeals-test-cases-1", "_score": 5.0},
                {"_id": str(own.pk), "_index": "appeals-test-cases-1", "_score": 3.0},
            ],
        },
        "aggregations": {
            **{name: {"buckets": []} for name in ("status", "category", "channel", "department")},
            "sla": {"buckets": {state: {"doc_count": 0} for state in ("overdue", "due_soon", "on_time")}},
        },
    }
    monkeypatch.setattr(elastic, "client", lambda: FakeElasticsearch(answer))
    results = cases.search(handler, "噪音")
    assert [c.pk for c in results.cases] == [own.pk]


@pytest.mark.django_db
def test_any_word_query_needs_one_word_and_ranks_by_how_many():
    sentence = "我家門口的路燈已經故障三個星期了"
    body = elastic.build_search(ALL, sentence, cases.Filters(), any_word=True).to_dict()
    (required,) = body["query"]["bool"]["must"]
    assert required["bool"]["minimum_should_match"] == 1
    words = {clause["term"]["terms"] for clause in required["bool"]["should"]}
    assert {"路灯", "故障"} <= words
    # Every word is a ranking clause too, more for the subject.
    boosted = {
        (next(iter(c["term"])), next(iter(c["term"].values()))["boost"])
        for c in body["query"]["bool"]["should"]
    }
    assert ("subject_terms", 5) in boosted and ("terms", 2) in boosted


@pytest.mark.django_db
def test_a_pasted_sentence_elasticsearch_finds_nothing_for_is_asked_again_for_any_word(monkeypatch, settings):
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    intake = staff(roles.INTAKE_OFFICER)
    lamp = CaseFactory(subject="路燈故障 晚上很暗")
    fake = FakeElasticsearch(answer_with(), answer_with(lamp.pk))
    monkeypatch.setattr(elastic, "client", lambda: fake)
    results = cases.search(intake, "我家門口的路燈已經故障三個星期了請盡快派人修理")
    assert [c.pk for c in results.cases] == [lamp.pk]
    assert results.backend == "elasticsearch" and results.notice == cases.any_word_notice()
    assert len(fake.requests) == 2
    # A short query that finds nothing stays "every word": staff narrowing a search want no surprises.
    fake = FakeElasticsearch(answer_with(), answer_with(lamp.pk))
    monkeypatch.setattr(elastic, "client", lambda: fake)
    results = cases.search(intake, "路燈 漏水")
    assert results.cases == [] and not results.notice and len(fake.requests) == 1


@pytest.mark.django_db
def test_a_number_with_its_unit_ranks_higher_than_the_number_and_the_character_apart():
    body = elastic.build_search(ALL, "52路", cases.Filters()).to_dict()
    ranking = [c["term"] for c in body["query"]["bool"]["should"] if "term" in c]
    assert {"terms": {"value": "52路", "boost": 2}} in ranking
    # Required are the number and the character, so the address still matches, lower.
    assert len(body["query"]["bool"]["must"]) == 2
