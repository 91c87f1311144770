"""The Elasticsearch adapter of the staff case search (used when ELASTICSEARCH_URL is set).

This module talks to the cluster only: it builds documents from the values search.cases gives it,
builds queries from a scope and filters, and returns raw hits and counts; search.cases turns them into
results and decides what to send when.

Index names are per environment: the alias ``{prefix}-cases`` points at ``{prefix}-cases-<timestamp>``;
a rebuild fills a fresh index and then moves the alias in one step, so searches never see a half-built
index. Documents carry the same token texts as the database entries (appeals.text), read with a
whitespace analyzer, plus the folded text under a CJK bigram analyzer for ranking. Personal data is in
them only as keyed hashes of its terms (crypto.term_hash), which a query's terms are hashed to meet.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch_dsl import Boolean, Date, Document, Index, Integer, Keyword, Q, Search, Text, analyzer

from appeals.text import normalize, query_terms, query_words
from casework.crypto import term_hash
from casework.deadlines import due_soon_cutoff, sla_due_range
from casework.models import OPEN_STATUSES, SLAState

logger = logging.getLogger(__name__)

# What "Elasticsearch is unavailable" looks like to the caller: unreachable, timing out, or refusing.
UNAVAILABLE = (TransportError, ApiError, ConnectionError, OSError)

TERMS = analyzer("case_terms", tokenizer="whitespace")
CJK_TEXT = analyzer("case_cjk", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"])
FACET_SIZE = 200
TERMS_FACETS = ("status", "category", "channel", "department")
OPEN_STATUS_VALUES = [str(status) for status in OPEN_STATUSES]
SLA_STATES = (SLAState.OVERDUE, SLAState.DUE_SOON, SLAState.ON_TIME)


class CaseDocument(Document):
    reference = Keyword()
    subject_terms = Text(analyzer=TERMS)
    terms = Text(analyzer=TERMS)
    personal_terms = Text(analyzer=TERMS)
    folded = Text(analyzer=CJK_TEXT)
    department = Integer()
    status = Keyword()
    category = Keyword()
    channel = Keyword()
    received_at = Date()
    due_date = Date()
    paused = Boolean()


def alias_name():
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-cases"


def new_index_name(now=None):
    return f"{alias_name()}-{(now or timezone.now()):%Y%m%d%H%M%S%f}"


def case_index(name):
    """The index definition: one shard, analysis and mapping from CaseDocument."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(CaseDocument)
    return index


@lru_cache(maxsize=4)
def _client(url):
    # Short timeouts and no retries: staff wait for the fallback, not for a dead cluster.
    return Elasticsearch(url, request_timeout=3, max_retries=0, retry_on_timeout=False)


def client():
    return _client(settings.ELASTICSEARCH_URL)


# --- Documents ---------------------------------------------------------------------------------


def document_for(case, values):
    """The document of a case: ``values`` are its database entry's token texts and its readable text
    (cases.document_values); the rest is read off the case."""
    return CaseDocument(
        meta={"id": case.pk},
        reference=case.reference,
        subject_terms=values["subject_terms"].strip(),
        terms=values["terms"].strip(),
        personal_terms=values["personal_terms"].strip(),
        folded=normalize(values["text"]),
        department=case.department_id,
        status=case.status,
        category=case.category,
        channel=case.channel,
        received_at=case.received_at,
        due_date=case.due_date,
        paused=case.paused_at is not None,
    )


def ensure_alias():
    """Create the first index behind the alias if there is none (a fresh environment)."""
    es = client()
    if not es.indices.exists_alias(name=alias_name()):
        name = new_index_name()
        case_index(name).create(using=es)
        es.indices.update_aliases(actions=[{"add": {"index": name, "alias": alias_name()}}])


def index_cases(pairs):
    """Send (case, entry values) pairs to the alias. Returns False when Elasticsearch is unavailable."""
    try:
        ensure_alias()
        actions = [
            {**document_for(case, values).to_dict(include_meta=True), "_index": alias_name()}
            for case, values in pairs
        ]
        helpers.bulk(client(), actions, refresh=False)
    except UNAVAILABLE as exc:
        logger.warning("Elasticsearch did not take %s case(s): %s", len(pairs), exc)
        return False
    return True


def delete_case(case_id):
    try:
        client().options(ignore_status=404).delete(index=alias_name(), id=case_id)
    except UNAVAILABLE:
        return False
    return True


def rebuild(cases, progress=None, batch_size=500):
    """Fill a new index from ``cases`` ((case, values) pairs), move the alias to it, drop the old ones."""
    es = client()
    name = new_index_name()
    case_index(name).create(using=es)
    batch = []
    count = 0
    for pair in cases:
        batch.append(pair)
        if len(batch) >= batch_size:
            count += _send(es, name, batch, progress)
            batch = []
    if batch:
        count += _send(es, name, batch, progress)
    es.indices.refresh(index=name)
    old = list(es.indices.get_alias(name=alias_name(), ignore_unavailable=True) or {})
    actions = [{"remove": {"index": index, "alias": alias_name()}} for index in old]
    actions.append({"add": {"index": name, "alias": alias_name()}})
    es.indices.update_aliases(actions=actions)
    for index in old:
        es.indices.delete(index=index, ignore_unavailable=True)
    return count


def _send(es, name, batch, progress):
    actions = [
        {**document_for(case, values).to_dict(include_meta=True), "_index": name} for case, values in batch
    ]
    helpers.bulk(es, actions, refresh=False)
    if progress:
        progress(len(batch))
    return len(batch)


# --- Queries -----------------------------------------------------------------------------------


def term_clause(term, scope):
    """One query term: in the case's text, or (hashed) in its personal data where the scope allows."""
    should = [Q("term", terms=term)]
    if scope.personal is None:
        should.append(Q("term", personal_terms=term_hash(term)))
    elif scope.personal:
        should.append(
            Q(
                "bool",
                filter=[
                    Q("term", personal_terms=term_hash(term)),
                    Q("terms", department=sorted(scope.personal)),
                ],
            )
        )
    return Q("bool", should=should, minimum_should_match=1)


def sla_ranges(today=None):
    """{SLA state: due_date range} in Elasticsearch's terms, from casework.deadlines' one rule."""
    today = today or timezone.localdate()
    cutoff = due_soon_cutoff(today)
    return {
        str(state): {lookup: day.isoformat() for lookup, day in sla_due_range(state, today, cutoff).items()}
        for state in SLA_STATES
    }


def running_clauses():
    """Open cases whose clock runs (the due date itself is required by any range on it)."""
    return [Q("terms", status=OPEN_STATUS_VALUES), Q("term", paused=False)]


def filter_clauses(scope, filters, today=None, ranges=None):
    clauses = []
    if scope.departments is not None:
        clauses.append(Q("terms", department=sorted(scope.departments)))
    for name in ("status", "category", "channel"):
        if getattr(filters, name):
            clauses.append(Q("term", **{name: getattr(filters, name)}))
    if filters.department:
        clauses.append(Q("term", department=filters.department))
    if filters.sla:
        ranges = ranges or sla_ranges(today)
        clauses += [
            *running_clauses(),
            Q("range", due_date=ranges.get(filters.sla, {"lt": "1900-01-01"})),
        ]
    start, end = filters.received_range()
    if start or end:
        bounds = {}
        if start:
            bounds["gte"] = start.isoformat()
        if end:
            bounds["lte"] = end.isoformat()
        clauses.append(Q("range", received_at=bounds))
    return clauses


def build_search(scope, query, filters, sort="relevance", page=1, per_page=20, today=None, any_word=False):
    """The Search (its .to_dict() is the request body): terms, scope and filters, facets, order, page.

    With ``any_word`` (a pasted sentence no case holds entirely) a case needs only one of the query's
    words in its text, and the more it holds the higher it ranks."""
    ranges = sla_ranges(today)
    terms = query_terms(query)
    must = [term_clause(term, scope) for term in terms]
    should = []
    if any_word:
        words = query_words(query)
        must = [Q("bool", should=[Q("term", terms=word) for word in words], minimum_should_match=1)]
        should += [Q("term", subject_terms={"value": word, "boost": 5}) for word in words]
        should += [Q("term", terms={"value": word, "boost": 2}) for word in words]
    elif terms:
        should.append(Q("match", folded={"query": normalize(query)}))
        should += [Q("term", subject_terms={"value": term, "boost": 5}) for term in terms]
        words = [word for word in query_words(query) if word not in terms]
        should += [Q("term", terms={"value": word, "boost": 2}) for word in words]
    s = Search(index=alias_name()).query(
        Q(
            "bool",
            must=must or [Q("match_all")],
            should=should,
            filter=filter_clauses(scope, filters, today, ranges),
        )
    )
    for name in TERMS_FACETS:
        s.aggs.bucket(name, "terms", field=name, size=FACET_SIZE)
    s.aggs.bucket(
        "sla",
        "filters",
        filters={
            state: Q("bool", filter=[*running_clauses(), Q("range", due_date=bounds)])
            for state, bounds in ranges.items()
        },
    )
    if sort == "date" or not terms:
        s = s.sort({"received_at": {"order": "desc"}}, {"_id": {"order": "desc"}})
    else:
        s = s.sort("_score", {"received_at": {"order": "desc"}})
    start = (page - 1) * per_page
    s = s.extra(track_total_hits=True).source(False)
    return s[start : start + per_page]


@dataclass
class Hits:
    """What Elasticsearch answered: a page of case ids, the total, and facet counts {name: {value: n}}."""

    ids: list
    total: int
    counts: dict


def search(scope, query, filters, sort, page, per_page, any_word=False):
    """Run the search; raises one of UNAVAILABLE when Elasticsearch does not answer."""
    search = build_search(scope, query, filters, sort, page, per_page, any_word=any_word)
    response = search.using(client()).execute()
    aggregations = response.aggregations
    counts = {
        name: {bucket.key: bucket.doc_count for bucket in getattr(aggregations, name).buckets}
        for name in TERMS_FACETS
    }
    sla = aggregations.sla.buckets.to_dict()
    counts["sla"] = {key: bucket["doc_count"] for key, bucket in sla.items()}
    return Hits(
        ids=[int(hit.meta.id) for hit in response],
        total=response.hits.total.value,
        counts=counts,
    )
