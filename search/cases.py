"""Staff case search: what is indexed about a case, who may find what, and one interface over two backends.

A case is indexed as three token texts built with appeals.text: its subject, everything staff can read
about it (content, timeline, outcomes, visits), and its citizen's personal data, kept apart so that
only roles allowed to see personal data ever match on it. Personal terms are stored as keyed hashes
(crypto.term_hash), never in clear, and a query's terms are hashed the same way to match them. The
database entry (CaseSearchEntry) is always kept; Elasticsearch (search.elastic, which only talks to
the cluster) is used when ELASTICSEARCH_URL is set, and when it cannot be reached the database answers
instead and the view says so. Who may find what is search.scope's.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, F, IntegerField, Max, Q, Value
from django.db.models import When as _When
from django.db.models.expressions import Case as _Case
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.estimates import about, planner_estimate
from appeals.text import as_token_text, index_terms, query_terms, query_words
from casework import access, crypto
from casework.deadlines import due_soon_cutoff, filter_by_sla, sla_condition
from casework.models import Case, Category, Channel, Department, SLAState, Status

from . import elastic
from .models import CaseSearchEntry
from .scope import Filters, scope_for
from .scope import Scope as Scope  # still cases.Scope for bench/

logger = logging.getLogger(__name__)

PER_PAGE = 20
# Results a search lists, at most (pages beyond are not offered).
MAX_RESULTS = 10_000
# Past this many matches the database backend estimates the total and the facet counts from a
# sample instead of counting them, and ranks "subject first, then newest" instead of scoring each
# match: both would read every match, more than a page's time allows at a city's scale.
EXACT_COUNT_LIMIT = 5_000
# The sample: the cases whose id is a multiple of SAMPLE_EVERY (one in fifty, old and new alike:
# ids grow with time), once there are SAMPLE_FROM cases. On PostgreSQL the sample has its own partial
# indexes (migration 0009, which holds the same number), so its matches are found without reading
# the others.
SAMPLE_EVERY = 50
SAMPLE_FROM = 25_000
# A part of such a search with fewer rows than this is read whole and sorted; a larger one is read
# in date order (its rows are then frequent enough for the walk to stop soon).
WALK_FROM = 2_000
SUBJECT_WEIGHT = 10
WORD_WEIGHT = 2
FACETS = ("status", "category", "channel", "department", "sla")
OUTCOME_FIELDS = (
    "characterisation",
    "responsibility",
    "measures",
    "rectification",
    "implementation_plan",
    "help_provided",
)


# --- What is indexed ---------------------------------------------------------------------------


def case_texts(case):
    """(subject, text parts, personal parts) of a case: what its three token texts are built from."""
    parts = [case.reference, case.subject, case.content, case.handling_plan, case.draft_reply]
    parts += [event.text for event in case.events.all()]
    for outcome in case.outcomes.all():
        parts += [getattr(outcome, name) for name in OUTCOME_FIELDS]
    for visit in case.visits.all():
        parts += [visit.reason, visit.outcome]
    return case.subject, [p for p in parts if p], personal_parts(case)


VISIT_PERSONAL_FIELDS = ["visitor_names", "contacts", "id_numbers", "phone", "email", "address"]


def personal_parts(case):
    """The citizen's and visitors' personal data of a case (also run on historical models by migrations)."""
    # getattr with a default: a historical model of an older migration lacks the fields added later.
    personal = [getattr(case, name, "") for name in Case.PERSONAL_FIELDS]
    for visit in case.visits.all():
        personal += [getattr(visit, name, "") for name in VISIT_PERSONAL_FIELDS]
    return [p for p in personal if p]


@lru_cache(maxsize=20000)
def _part_terms(text):
    # Timelines repeat themselves (standard replies, templates): each distinct text is cut once.
    return tuple(index_terms(text))


def token_text(parts):
    """The token text of several texts: the union of their terms (runs never cross from one to the next)."""
    return as_token_text(list(dict.fromkeys(term for part in parts for term in _part_terms(part))))


def hashed_terms(terms):
    return [crypto.term_hash(term) for term in terms]


def personal_token_text(parts):
    """The token text of personal data: the keyed hash of each term, never the term."""
    # index_terms, not the cached _part_terms: clear personal data is not kept in a process-wide cache.
    return as_token_text(
        list(dict.fromkeys(hashed_terms(term for part in parts for term in index_terms(part))))
    )


def entry_values(case):
    """The fields of a case's database entry."""
    return _entry_values(case, *case_texts(case))


def _entry_values(case, subject, parts, personal):
    return {
        "subject_terms": token_text([subject]),
        "terms": token_text(parts),
        "personal_terms": personal_token_text(personal),
        **{name: getattr(case, name) for name in FILTERED_FIELDS},
    }


# The case's fields its entry holds for the filters (and the SLA state's rule).
FILTERED_FIELDS = ("department_id", "status", "received_at", "category", "channel", "due_date", "paused_at")


def document_values(case):
    """What a case's Elasticsearch document is built from (elastic.document_for): its entry's values,
    and under "text" its readable text (never its personal data)."""
    subject, parts, personal = case_texts(case)
    return {**_entry_values(case, subject, parts, personal), "text": "\n".join(parts)}


def entry_fields(values):
    """The database entry's part of document_values."""
    return {name: value for name, value in values.items() if name != "text"}


def cases_for_indexing():
    return Case.objects.prefetch_related("events", "outcomes", "visits")


def elasticsearch_enabled():
    return bool(settings.ELASTICSEARCH_URL)


def update_entry(case_id):
    """Bring one case's database entry up to date, inside the caller's transaction.

    When Elasticsearch is configured the entry is marked as waiting for it until the document is sent.
    """
    case = cases_for_indexing().filter(pk=case_id).first()
    if case is None:
        CaseSearchEntry.objects.filter(case_id=case_id).delete()
        return None
    values = {**entry_values(case), "elasticsearch_pending": elasticsearch_enabled()}
    entry, _created = CaseSearchEntry.objects.update_or_create(case=case, defaults=values)
    return entry


def send_to_elasticsearch(case_id):
    """Send one case's document (or its deletion); returns False when Elasticsearch is unavailable."""
    case = cases_for_indexing().filter(pk=case_id).first()
    if case is None:
        return elastic.delete_case(case_id)
    sent = elastic.index_cases([(case, document_values(case))])
    if sent:
        CaseSearchEntry.objects.filter(case_id=case_id).update(elasticsearch_pending=False)
    return sent


def index_case(case_id):
    """Entry and document of one case, now (the rebuild command and tests; signals split the two)."""
    entry = update_entry(case_id)
    if elasticsearch_enabled():
        send_to_elasticsearch(case_id)
        if entry is not None:
            entry.refresh_from_db()
    return entry


def rebuild_batches(batch_size=500, write_entries=True):
    """Every case in batches of (case, document values) pairs, its database entry rewritten on the way."""
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = list(cases_for_indexing().filter(pk__in=ids[start : start + batch_size]))
        pairs = [(case, document_values(case)) for case in batch]
        if write_entries:
            CaseSearchEntry.objects.filter(case_id__in=[case.pk for case in batch]).delete()
            CaseSearchEntry.objects.bulk_create(
                [CaseSearchEntry(case=case, **entry_fields(values)) for case, values in pairs]
            )
        yield pairs
    if write_entries:
        CaseSearchEntry.objects.exclude(case_id__in=Case.objects.values("pk")).delete()


def index_missing(batch_size=500, progress=None):
    """Entries for the cases that have none (cases saved in bulk: the demo, generate_cases), marked as
    waiting for Elasticsearch when it is configured. Returns how many were written."""
    ids = list(Case.objects.filter(search_entry__isnull=True).order_by("pk").values_list("pk", flat=True))
    pending = elasticsearch_enabled()
    for start in range(0, len(ids), batch_size):
        batch = list(cases_for_indexing().filter(pk__in=ids[start : start + batch_size]))
        CaseSearchEntry.objects.bulk_create(
            [
                CaseSearchEntry(case=case, **entry_values(case), elasticsearch_pending=pending)
                for case in batch
            ]
        )
        if progress:
            progress(len(batch))
    return len(ids)


def rewrite_entry_terms(case_model, entry_model, batch_size=500):
    """Recompute the terms of every existing entry after the way text is cut into terms changed (data
    migrations pass their historical models). Elasticsearch documents are marked as waiting, so the
    catch-up sends them again."""
    fields = ["subject_terms", "terms", "personal_terms"]
    if elasticsearch_enabled():
        fields.append("elasticsearch_pending")
    cases = (
        case_model.objects.filter(search_entry__isnull=False)
        .order_by("pk")
        .prefetch_related("events", "outcomes", "visits")
    )
    batch = []
    for case in cases.iterator(chunk_size=batch_size):
        subject, parts, personal = case_texts(case)
        batch.append(
            entry_model(
                case_id=case.pk,
                subject_terms=token_text([subject]),
                terms=token_text(parts),
                personal_terms=personal_token_text(personal),
                elasticsearch_pending=True,
            )
        )
        if len(batch) >= batch_size:
            entry_model.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        entry_model.objects.bulk_update(batch, fields)


def rebuild_entries(batch_size=500, progress=None):
    """(Re)build the database entries of all cases. Returns the count."""
    done = 0
    for pairs in rebuild_batches(batch_size):
        done += len(pairs)
        if progress:
            progress(len(pairs))
    return done


# --- The interface -----------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Results:
    cases: list
    total: int
    page_number: int
    per_page: int
    facets: dict = field(default_factory=dict)
    backend: str = "database"
    notice: str = ""
    personal_matches: set = field(default_factory=set)
    # The total and facet counts are estimates ("about N"): too many cases matched to count them.
    estimated: bool = False

    @property
    def num_pages(self):
        # No one reads past the first MAX_RESULTS of a search: they narrow it instead.
        return max(1, -(-min(self.total, MAX_RESULTS) // self.per_page))

    @property
    def has_previous(self):
        return self.page_number > 1

    @property
    def has_next(self):
        return self.page_number < self.num_pages


def search(user, query, filters=None, sort="relevance", page=1, per_page=PER_PAGE):
    """Cases ``user`` may see that contain every term of ``query`` and pass ``filters``.

    Uses Elasticsearch when it is configured and answers, the database otherwise: the results'
    ``backend`` says which ("elasticsearch" only when it answered; the caller may then let it catch
    up with tasks.catch_up_soon).
    """
    filters = filters or Filters()
    scope = scope_for(user)
    page = max(1, int(page or 1))
    if elasticsearch_enabled():
        try:
            return elasticsearch_search(scope, query, filters, sort, page, per_page)
        except elastic.UNAVAILABLE as exc:
            logger.warning("Elasticsearch unavailable, case search falls back to the database: %s", exc)
            results = database_search(scope, query, filters, sort, page, per_page)
            results.notice = _(
                "The search service is unavailable: these results come from the database and may be "
                "ranked differently."
            )
            return results
    return database_search(scope, query, filters, sort, page, per_page)


def log_personal_matches(user, results):
    """A result found through personal data tells the user whose case it is: logged like the case page."""
    for case in results.cases:
        if case.pk in results.personal_matches:
            access.log_personal_data_access(user, case, "case search: matched on personal data")


# --- Elasticsearch -----------------------------------------------------------------------------


def elasticsearch_search(scope, query, filters, sort, page, per_page):
    """The search through Elasticsearch; raises one of elastic.UNAVAILABLE when it does not answer."""
    if scope.sees_nothing:
        return Results(cases=[], total=0, page_number=1, per_page=per_page, backend="elasticsearch")
    hits = elastic.search(scope, query, filters, sort, page, per_page)
    notice = ""
    if hits.total == 0 and is_pasted_sentence(query):
        hits = elastic.search(scope, query, filters, sort, page, per_page, any_word=True)
        notice = any_word_notice() if hits.total else ""
    # The document may be older than the case: re-routed since, or deleted. Only cases that exist and
    # that the user may see now are shown, whatever the index says about their department.
    by_id = scoped_cases(scope).select_related("department", "handler", "search_entry").in_bulk(hits.ids)
    shown = [by_id[pk] for pk in hits.ids if pk in by_id]
    return Results(
        cases=shown,
        total=hits.total,
        page_number=page,
        per_page=per_page,
        facets=label_facets(hits.counts),
        backend="elasticsearch",
        notice=notice,
        personal_matches=personal_matches(scope, query_terms(query), shown),
    )


def pending_for_elasticsearch():
    """Whether cases are waiting to be sent to Elasticsearch (it missed them while down)."""
    return CaseSearchEntry.objects.filter(elasticsearch_pending=True).exists()


def catch_up(batch_size=500):
    """Send the cases Elasticsearch missed while it was down. Returns how many were sent."""
    sent = 0
    while True:
        ids = list(
            CaseSearchEntry.objects.filter(elasticsearch_pending=True).values_list("case_id", flat=True)[
                :batch_size
            ]
        )
        if not ids:
            return sent
        batch = list(cases_for_indexing().filter(pk__in=ids))
        if not elastic.index_cases([(case, document_values(case)) for case in batch]):
            return sent
        CaseSearchEntry.objects.filter(case_id__in=ids).update(elasticsearch_pending=False)
        sent += len(ids)


# --- The database backend ----------------------------------------------------------------------


def _term_vector(column):
    # The generated tsvector column of migration 0003 (PostgreSQL only).
    return f"{column}_vector"


def _lexeme(term):
    return "'{}'".format(term.replace("\\", "\\\\").replace("'", "''"))


def _tsquery(terms, hashed_too=False):
    """Every term; with ``hashed_too`` each may also be present as its personal-data hash."""
    if hashed_too:
        return " & ".join(f"({_lexeme(term)} | {_lexeme(crypto.term_hash(term))})" for term in terms)
    return " & ".join(_lexeme(term) for term in terms)


def _vector_matches(column, terms, hashed_too=False, indexed_by_one=True):
    """On entries (PostgreSQL): the tsvector ``column`` holds every term (each may be its hash too).

    PostgreSQL estimates how many entries hold several terms as if they were independent, and the
    bigrams of one word are not: it expects a dozen entries to hold 低收, 收入 and 入户 where 40,000
    do, and then reads those 40,000 rather than join the date or department index to them. So, with
    ``indexed_by_one``, the index is asked for one term of each word only (the rarest by PostgreSQL's
    statistics), whose estimate is about right, and the entries it gives are checked for every term
    by ts_match_vq (@@ as a function, which no index answers). Counts over the sample keep the plain @@: the
    sample's own index answers them without reading a row.
    """
    every = _tsquery(terms, hashed_too)
    runs = _bigram_runs(terms)
    if len(runs) == len(terms) or not indexed_by_one:
        return Q(RawSQL(f"{column} @@ %s::tsquery", [every], output_field=BooleanField()))
    indexed = [
        min(run, key=lambda term: _estimated_holding(column, _tsquery([term], hashed_too))) for run in runs
    ]
    return Q(
        RawSQL(
            f"({column} @@ %s::tsquery AND ts_match_vq({column}, %s::tsquery))",
            [_tsquery(indexed, hashed_too), every],
            output_field=BooleanField(),
        )
    )


def _bigram_runs(terms):
    """The terms grouped by the word they were cut from: 低收 收入 入户 补助 → [低收 收入 入户] [补助]
    (each bigram of a word overlaps the next by a character). Words are about independent of each
    other, which PostgreSQL assumes; the bigrams of one word are not."""
    runs = []
    for term in terms:
        if runs and len(term) == 2 and len(runs[-1][-1]) == 2 and runs[-1][-1][1] == term[0]:
            runs[-1].append(term)
        else:
            runs.append([term])
    return runs


def _estimated_holding(column, tsquery):
    # Not cached: the query may be a phone number or a name, which no process-wide cache may keep.
    condition = RawSQL(f"{column} @@ %s::tsquery", [tsquery], output_field=BooleanField())
    return planner_estimate(CaseSearchEntry.objects.filter(condition))


def _matching_entries(scope, terms, any_word=False, sampled=False):
    """Entries of the scope's departments holding every term, in the text or (where the scope allows)
    in the personal data; with ``any_word``, one of them at least, in the text. ``sampled``: only
    counted over the sample (see _vector_matches)."""
    entries = CaseSearchEntry.objects.all()
    if any_word:
        entries = _any_word_entries(terms)
    if scope.departments is not None:
        # Said here as well as on the cases: PostgreSQL can then intersect the terms' index with the
        # departments' before reading any row (the entry is rewritten whenever its case moves).
        entries = entries.filter(department_id__in=scope.departments)
    if any_word or not terms:
        return entries
    postgres = connection.vendor == "postgresql"
    personal_allowed = scope.personal is None or bool(scope.personal)
    personal_everywhere = scope.personal is None or (
        scope.departments is not None and scope.departments <= scope.personal
    )
    if postgres and (not personal_allowed or personal_everywhere):
        # One lookup in one GIN index for all the terms together (migrations 0003 and 0004).
        # all_terms_vector mixes clear text terms with hashed personal ones: a term may be either.
        column = "all_terms_vector" if personal_allowed else _term_vector("terms")
        return entries.filter(_vector_matches(column, terms, personal_allowed, indexed_by_one=not sampled))
    for term in terms:
        hashed = crypto.term_hash(term)
        if postgres:
            in_text = Q(RawSQL(f"{_term_vector('terms')} @@ %s::tsquery", [_tsquery([term])], BooleanField()))
            in_personal = Q(
                RawSQL(
                    f"{_term_vector('personal_terms')} @@ %s::tsquery",
                    [_tsquery([hashed])],
                    BooleanField(),
                )
            )
        else:
            in_text = Q(terms__contains=f" {term} ")
            in_personal = Q(personal_terms__contains=f" {hashed} ")
        if personal_allowed:
            if scope.personal is not None:
                in_personal &= Q(department_id__in=scope.personal)
            in_text |= in_personal
        entries = entries.filter(in_text)
    return entries


def scoped_cases(scope):
    if scope.departments is None:
        return Case.objects.all()
    return Case.objects.filter(department_id__in=scope.departments)


def filter_cases(cases, filters):
    for name in ("status", "category", "channel"):
        if getattr(filters, name):
            cases = cases.filter(**{name: getattr(filters, name)})
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    if filters.sla:
        cases = filter_by_sla(cases, filters.sla)
    return _received_between(cases, filters)


def _received_between(rows, filters):
    """Cases or entries (both have received_at) received within the filters' dates."""
    start, end = filters.received_range()
    if start:
        rows = rows.filter(received_at__gte=start)
    if end:
        rows = rows.filter(received_at__lte=end)
    return rows


# A query this long (characters, spaces aside) that no case holds entirely is most likely a pasted
# sentence: the search falls back to the cases holding any of its words, most of them first. Shorter
# queries are what staff type to narrow a search, and stay "every word".
PASTED_SENTENCE_LENGTH = 12


def is_pasted_sentence(query):
    """Whether a query that found nothing should be tried again as "any of its words"."""
    return len(query_words(query)) > 1 and len("".join(query.split())) >= PASTED_SENTENCE_LENGTH


def any_word_notice():
    return _("No case contains every word of the search: cases with some of them, most first.")


def _any_word_entries(words):
    """Entries holding at least one of ``words`` in their text (never in the personal data)."""
    if connection.vendor == "postgresql":
        tsquery = " | ".join(_lexeme(word) for word in words)
        condition = RawSQL(f"{_term_vector('terms')} @@ %s::tsquery", [tsquery], output_field=BooleanField())
        return CaseSearchEntry.objects.filter(condition)
    condition = Q(pk__in=[])
    for word in words:
        condition |= Q(terms__contains=f" {word} ")
    return CaseSearchEntry.objects.filter(condition)


# What a search's statements may use on PostgreSQL. Its bitmaps (the terms' index and the
# department's or dates' together) hold up to a few hundred thousand rows: in the default 4 MB they
# turn lossy, and each entry of a lossy page is read again to recheck it (a handler's search that
# finds nothing read 6,000 entries). Parallel workers cost more to start (~25 ms) than they save
# on the few thousand rows a search reads by design.
SEARCH_SESSION = {"work_mem": "32MB", "max_parallel_workers_per_gather": "0"}


@contextmanager
def _search_session():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for name, value in SEARCH_SESSION.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                for name in SEARCH_SESSION:
                    cursor.execute(f"RESET {name}")


def database_search(scope, query, filters, sort, page, per_page):
    with _search_session():
        return _database_search(scope, query, filters, sort, page, per_page)


def _database_search(scope, query, filters, sort, page, per_page):
    terms = query_terms(query)
    scoped = filter_cases(scoped_cases(scope), filters)
    words = [word for word in query_words(query) if word not in terms]
    found = _find(scoped, scope, filters, terms)
    notice, any_word = "", False
    if terms and found.total == 0 and is_pasted_sentence(query):
        words = query_words(query)
        found = _find(scoped, scope, filters, words, any_word=True)
        terms, any_word = [], True
        notice = any_word_notice() if found.total else ""
    last_page = max(1, -(-min(found.total, MAX_RESULTS) // per_page))
    page = min(page, last_page)
    window = slice((page - 1) * per_page, page * per_page)
    if found.rows is not None:
        # Counted: every match's id and date are in hand, ranked here, the page read by id.
        ids = _ranked(found.rows, terms, words, sort, any_word)[window]
        shown = _cases_by_id(ids)
    elif terms and found.estimated and not any_word:
        shown = _ordered_at_scale(scope, found, filters, terms, sort)[window]
    else:
        shown = list(_ordered_in_sql(found.cases, terms, words, sort, any_word)[window])
    return Results(
        cases=shown,
        total=found.total,
        page_number=page,
        per_page=per_page,
        facets=label_facets(found.counts),
        backend="database",
        notice=notice,
        personal_matches=personal_matches(scope, terms, shown),
        estimated=found.estimated,
    )


@dataclass
class Found:
    """What a search matched: the total and facet counts (``estimated`` past EXACT_COUNT_LIMIT), and
    when they were counted, ``rows``: (id, received_at) of every match."""

    cases: object  # the matching cases, as a queryset
    entries: object  # their search entries (the scope's departments and the entries' own filters)
    counts: dict
    total: int
    estimated: bool = False
    rows: list = None
    sample: object = None
    in_sample: int = 0


def _find(scoped, scope, filters, terms, any_word=False):
    """The matches of ``terms`` among ``scoped`` cases, counted or estimated.

    The sample is asked first: counting 100,000 matches reads 100,000 rows, the sample a few
    thousand. Few by its account (or too few cases to need one), the matches are read, up to
    EXACT_COUNT_LIMIT of them, with what the facets need: one query gives the count, the facets and
    what ranking needs. With terms, both read the search entries alone, which hold every field the
    filters and facets ask for (FILTERED_FIELDS); without, the cases.
    """
    cases = _matching(scoped, scope, terms, any_word=any_word)
    entries = _filter_entries(_matching_entries(scope, terms, any_word), filters)
    counted = entries if terms else cases
    sample = id_sample()
    if sample is not None:
        if terms:
            sampled = _filter_entries(_matching_entries(scope, terms, any_word, sampled=True), filters)
            sampled = sampled.filter(_in_sample(sample, "case_id"))
        else:
            sampled = cases.filter(_in_sample(sample))
        in_sample = database_counts(sampled)
        if in_sample["total"] / sample.fraction > EXACT_COUNT_LIMIT:
            return _estimated(cases, entries, in_sample, sample)
    rows = list(
        counted.order_by()
        .annotate(sla_state=_sla_state())
        .values_list("pk", "received_at", *GROUPED)[: EXACT_COUNT_LIMIT + 1]
    )
    if len(rows) <= EXACT_COUNT_LIMIT:
        counts = _added_up((*row[2:], 1) for row in rows)
        return Found(cases, entries, counts, counts.pop("total"), rows=[row[:2] for row in rows])
    if sample is None:
        # More than the limit in a database too small for a sample: counted all the same.
        counts = database_counts(counted)
        return Found(cases, entries, counts, counts.pop("total"))
    return _estimated(cases, entries, in_sample, sample)


def _estimated(cases, entries, in_sample, sample):
    counts = _scaled(in_sample, sample)
    return Found(
        cases, entries, counts, counts.pop("total"), True, sample=sample, in_sample=in_sample["total"]
    )


def _cases_by_id(ids, related=("department", "handler", "search_entry")):
    by_id = Case.objects.select_related(*related).in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _ranked(rows, terms, words, sort, any_word):
    """Ids of the counted matches in order: newest first, or by score (each term in the subject,
    each other word of the query in the text), then newest first.

    The score is added up here from the ids of the entries holding each word, which the terms'
    indexes give without reading the entries' texts.
    """
    newest = sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
    if sort == "date" or not (terms or words):
        return [pk for pk, _received in newest]
    among = CaseSearchEntry.objects.filter(_among([pk for pk, _received in rows]))
    if any_word:
        weights = [(word, "subject", SUBJECT_WEIGHT) for word in words]
    else:
        weights = [(term, "subject", SUBJECT_WEIGHT) for term in terms]
    weights += [(word, "text", WORD_WEIGHT) for word in words]
    score = dict.fromkeys((pk for pk, _received in rows), 0)
    for word, where, weight in weights:
        holding = _in_subject([word]) if where == "subject" else _in_text(word)
        for pk in among.filter(holding).values_list("pk", flat=True):
            score[pk] += weight
    return [pk for pk, _received in sorted(newest, key=lambda row: score[row[0]], reverse=True)]


def _ordered_in_sql(cases, terms, words, sort, any_word):
    """Matches ranked by the database itself: a search by filters alone (no terms), or too many
    matches of the any-word fallback to rank here."""
    if sort == "date" or not (terms or words):
        return cases.order_by("-received_at", "-pk").select_related("department", "handler", "search_entry")
    if any_word:
        hits = [_contains("terms", word, WORD_WEIGHT) for word in words]
        hits += [_contains("subject_terms", word, SUBJECT_WEIGHT) for word in words]
    else:
        hits = [_contains("subject_terms", term, SUBJECT_WEIGHT) for term in terms]
        hits += [_contains("terms", word, WORD_WEIGHT) for word in words]
    return (
        cases.annotate(score=sum(hits[1:], hits[0]))
        .order_by("-score", "-received_at", "-pk")
        .select_related("department", "handler", "search_entry")
    )


# The expression of migration 0008's index over the subject's terms (PostgreSQL only).
SUBJECT_VECTOR = "array_to_tsvector(string_to_array(btrim(subject_terms), ' '))"


def _ordered_at_scale(scope, found, filters, terms, sort):
    """The matching cases in order, for a search with too many of them to rank them all: newest
    first, or (best match) those whose subject holds every term first, then the others, newest first.

    The search entries hold every field the filters ask for: each part is read newest first only as
    far as the page needs (_NewestFirst), and the page's cases loaded by id.
    """
    within = _scope_entries(scope, filters)
    matching = found.entries
    size = _estimated_size(within)
    if sort == "date":
        return _CasesOf(_NewestFirst(within, matching, share=found.total / size))
    # A subject holding every term is a text holding them: the first part needs no other condition.
    first, rest = within.filter(_in_subject(terms)), matching.exclude(_in_subject(terms))
    # How many hold the terms in their subject: from the sample, through the indexes. Few are read
    # and sorted at once, many are read newest first like the rest.
    in_sample = within.filter(_in_subject(terms, indexed_by_one=False), _in_sample(found.sample, "case_id"))
    first_in_sample = in_sample.count()
    in_subject = first_in_sample / found.sample.fraction
    if first_in_sample < FEW_IN_SAMPLE:
        first_part = _Sorted(first)
        if first_part.count_upto(WALK_FROM) >= WALK_FROM:
            first_part = _NewestFirst(within, first, share=max(in_subject, WALK_FROM) / size)
    else:
        first_part = _NewestFirst(within, first, share=in_subject / size)
    rest_share = max(found.total - in_subject, EXACT_COUNT_LIMIT) / size
    return _CasesOf(_TwoParts(first_part, _NewestFirst(within, rest, share=rest_share)))


# Below this many subject matches in the sample, how many there are in all is counted (up to
# WALK_FROM) rather than inferred: the sample's estimate of a rare thing is too rough to plan on.
FEW_IN_SAMPLE = 20


def _estimated_size(entries):
    """About how many entries ``entries`` holds: PostgreSQL's estimate (no row read), else a count."""
    return max(1, planner_estimate(entries) or entries.count())


def _scope_entries(scope, filters):
    """The search entries of the scope's departments that pass the filters the entries hold."""
    entries = CaseSearchEntry.objects.all()
    if scope.departments is not None:
        entries = entries.filter(department_id__in=scope.departments)
    return _filter_entries(entries, filters)


class _Sorted:
    """Rows (cases or entries) newest first, read by the database in that order: for few rows."""

    def __init__(self, rows):
        self.rows = rows

    def window(self, start, stop):
        return list(self.rows.order_by("-received_at", "-pk").values_list("pk", flat=True)[start:stop])

    def count_upto(self, limit):
        # No order: the count stops at the limit instead of sorting every row first.
        return self.rows.order_by().values("pk")[:limit].count()


class _NewestFirst:
    """The entries of ``matching``, newest first, read a span of ``within`` at a time.

    Each span is the next so many of ``within``'s entries newest first (the case_search_newest
    index), as a range of dates: the matches in it are found through the terms' indexes and that
    range together. ``share`` (about how many of ``within`` match) sizes the first span to hold the
    window; later spans grow fourfold.

    Why not ask PostgreSQL for the matches in that order: it underestimates how many entries hold two
    bigrams of one word (中山 and 山路 are not independent), then reads every match to sort them,
    tens of thousands of rows (bench/plans/search.txt).
    """

    SMALLEST_SPAN = 500
    MARGIN = 3

    def __init__(self, within, matching, share):
        self.within = within.order_by("-received_at", "-pk")
        self.matching = matching.order_by("-received_at", "-pk")
        self.share = min(1.0, max(share, 1e-6))

    def window(self, start, stop):
        found, after = [], None
        span = max(self.SMALLEST_SPAN, int(stop / self.share * self.MARGIN))
        while len(found) < stop:
            newer = self.within if after is None else self.within.filter(_older_than(after))
            edge = newer.values_list("received_at", "pk")[span - 1 : span].first()
            part = self.matching if after is None else self.matching.filter(_older_than(after))
            if edge is not None:
                part = part.filter(_not_older_than(edge))
            found += part.values_list("pk", flat=True)[: stop - len(found)]
            if edge is None:
                break
            after, span = edge, span * 4
        return found[start:stop]

    def count_upto(self, limit):
        return self.matching.order_by().values("pk")[:limit].count()


def _older_than(edge):
    received_at, pk = edge
    # The plain date bound lets the database use the date index; the second makes ties exact.
    return Q(received_at__lte=received_at) & (Q(received_at__lt=received_at) | Q(pk__lt=pk))


def _not_older_than(edge):
    received_at, pk = edge
    return Q(received_at__gte=received_at) & (Q(received_at__gt=received_at) | Q(pk__gte=pk))


def _filter_entries(entries, filters):
    """Entries passing the filters: every one of them, the entries hold what they ask for."""
    for name in ("status", "category", "channel"):
        if getattr(filters, name):
            entries = entries.filter(**{name: getattr(filters, name)})
    if filters.department:
        entries = entries.filter(department_id=filters.department)
    if filters.sla:
        # The case's rule, over the same fields of the entry.
        entries = filter_by_sla(entries, filters.sla)
    return _received_between(entries, filters)


class _TwoParts:
    """Two parts (_Sorted or _NewestFirst) listed one after the other, windowed like one."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def window(self, start, stop):
        rows = self.first.window(start, stop)
        if len(rows) == stop - start:
            return rows
        # The first part ends in this window: how many it holds says where the second begins.
        in_first = self.first.count_upto(stop)
        return rows + self.second.window(max(0, start - in_first), stop - in_first)


class _CasesOf:
    """The cases of a sequence of ids, in its order (loaded by id, a window at a time)."""

    def __init__(self, ids):
        self.ids = ids

    def __getitem__(self, window):
        return _cases_by_id(self.ids.window(window.start or 0, window.stop))


def _in_subject(terms, indexed_by_one=True):
    """On entries: the subject holds every term."""
    if connection.vendor == "postgresql":
        return _vector_matches(SUBJECT_VECTOR, terms, indexed_by_one=indexed_by_one)
    condition = Q()
    for term in terms:
        condition &= Q(subject_terms__contains=f" {term} ")
    return condition


def _among(ids):
    """On entries: those of these cases (on PostgreSQL one array parameter, however many ids)."""
    if connection.vendor == "postgresql":
        return Q(RawSQL(f"{CaseSearchEntry._meta.db_table}.case_id = ANY(%s)", [ids], BooleanField()))
    return Q(pk__in=ids)


def _in_text(word):
    """On entries: the text (not the personal data) holds ``word``."""
    if connection.vendor == "postgresql":
        return Q(RawSQL(f"{_term_vector('terms')} @@ %s::tsquery", [_tsquery([word])], BooleanField()))
    return Q(terms__contains=f" {word} ")


def _matching(scoped, scope, terms, any_word=False):
    """``scoped`` cases holding every term (with ``any_word``, one of them at least, in their text)."""
    if not terms:
        return scoped
    return scoped.filter(pk__in=_matching_entries(scope, terms, any_word).values("case_id"))


def _in_sample(sample, column="pk"):
    """On cases (or, with column "case_id", entries): those of the sample."""
    # The modulus reaches PostgreSQL as a literal (client-side binding), so it uses the partial indexes.
    return Q(Exact(F(column) % sample.every, 0))


@dataclass
class Sample:
    """The cases whose id is a multiple of ``every``: about ``fraction`` of them all."""

    every: int
    fraction: float


def id_sample():
    """The sample the estimates are made from; None when there are too few cases to need one."""
    highest = Case.objects.aggregate(highest=Max("pk"))["highest"]
    if highest is None or highest < SAMPLE_FROM:
        return None
    return Sample(SAMPLE_EVERY, 1 / SAMPLE_EVERY)


def _scaled(in_sample, sample):
    scaled = {
        name: {value: about(count / sample.fraction) for value, count in values.items()}
        for name, values in in_sample.items()
        if name != "total"
    }
    scaled["total"] = max(EXACT_COUNT_LIMIT + 1, about(in_sample["total"] / sample.fraction))
    return scaled


def _contains(column, term, weight):
    return _Case(
        _When(Q(**{f"search_entry__{column}__contains": f" {term} "}), then=Value(weight)),
        default=Value(0),
        output_field=IntegerField(),
    )


def personal_matches(scope, terms, cases):
    """Ids of the shown cases that matched a term only their citizen's personal data holds."""
    if not terms or scope.personal is not None and not scope.personal:
        return set()
    found = set()
    pairs = [(term, crypto.term_hash(term)) for term in terms]
    for case in cases:
        entry = getattr(case, "search_entry", None)
        if entry is None or (scope.personal is not None and case.department_id not in scope.personal):
            continue
        if any(f" {h} " in entry.personal_terms and f" {t} " not in entry.terms for t, h in pairs):
            found.add(case.pk)
    return found


def sla_conditions(today=None):
    """Q per SLA state over cases: casework.deadlines' rule, with one due-soon cutoff for them all."""
    today = today or timezone.localdate()
    cutoff = due_soon_cutoff(today)
    return {state.value: sla_condition(state, today, cutoff) for state in SLAState}


# What the facets group the matches by: the case's fields, and its SLA state (_sla_state).
GROUPED = ("status", "category", "channel", "department_id", "sla_state")


def _sla_state():
    """The SLA state of a case as an SQL expression: casework.deadlines' rule, one cutoff for all."""
    states = sla_conditions()
    return _Case(
        *(_When(condition, then=Value(state)) for state, condition in states.items()), default=Value("")
    )


def database_counts(cases):
    """The total and the facet counts {name: {value: count}} of the matching cases, in one query:
    the cases grouped by every facet at once (a few hundred groups), added up per facet here."""
    groups = (
        cases.order_by()
        .annotate(sla_state=_sla_state())
        .values(*GROUPED)
        .annotate(n=Count("pk"))
        .values_list(*GROUPED, "n")
    )
    return _added_up(groups)


def _added_up(groups):
    """{total, facet: {value: count}} from (status, category, channel, department, SLA state, n) groups."""
    counts = {"total": 0, "status": {}, "category": {}, "channel": {}, "department": {}}
    counts["sla"] = dict.fromkeys((state.value for state in SLAState), 0)
    for *values, n in groups:
        counts["total"] += n
        for name, value in zip(("status", "category", "channel", "department", "sla"), values, strict=True):
            if value is not None and value != "":
                counts[name][value] = counts[name].get(value, 0) + n
    return counts


def label_facets(counts):
    """Facet counts {name: {value: count}} → {name: [FacetValue…]} with readable labels, largest first."""
    labels = {
        "status": dict(Status.choices),
        "category": dict(Category.choices),
        "channel": dict(Channel.choices),
        "sla": dict(SLAState.choices),
    }
    department_ids = [value for value in counts.get("department", {}) if value]
    labels["department"] = {
        str(pk): name
        for pk, name in Department.objects.filter(pk__in=department_ids).values_list("pk", "name")
    }
    facets = {}
    for name in FACETS:
        values = [
            FacetValue(str(value), str(labels[name].get(str(value), value)), count)
            for value, count in counts.get(name, {}).items()
            if count
        ]
        facets[name] = sorted(values, key=lambda v: (-v.count, v.label))
    return facets
