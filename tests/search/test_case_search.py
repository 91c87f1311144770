"""Staff case search on the database backend: what staff find, what they never find, and the admin page."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework import effects, roles
from casework.deadlines import sla_condition
from casework.models import (
    OPEN_STATUSES,
    Case,
    Category,
    Channel,
    Event,
    Outcome,
    PersonalDataAccess,
    SLAState,
    Status,
)
from search import cases
from search.models import CaseSearchEntry
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the on-commit indexing tasks of whatever the test creates inside the block."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def office(indexed):
    roles.ensure_role_groups()
    epb = DepartmentFactory(name="環保局", code="epb")
    dot = DepartmentFactory(name="交通局", code="dot")
    with indexed():
        noise = CaseFactory(
            subject="投訴：工地夜間施工噪音",
            content="中山區民生東路工地每晚十一點後仍在施工，噪音嚴重影響睡眠。",
            category=Category.COMPLAINT,
            department=epb,
            status=Status.IN_PROGRESS,
            citizen_name="陳志明",
            citizen_phone="0912345678",
        )
        lamp = CaseFactory(subject="公園路燈故障", department=epb, status=Status.IN_PROGRESS)
        other_noise = CaseFactory(
            subject="投訴：夜市噪音",
            content="士林夜市攤販深夜播放音樂。",
            category=Category.COMPLAINT,
            channel=Channel.HOTLINE,
            department=dot,
            status=Status.IN_PROGRESS,
        )
    return {
        "epb": epb,
        "dot": dot,
        "noise": noise,
        "lamp": lamp,
        "other_noise": other_noise,
        "handler": staff(roles.HANDLER, epb, username="h-epb"),
        "intake": staff(roles.INTAKE_OFFICER, username="intake-1"),
        "auditor": staff(roles.AUDITOR, username="auditor-1"),
    }


def found(user, query, **filters):
    return [case.pk for case in cases.search(user, query, cases.Filters(**filters)).cases]


def test_handler_typing_simplified_words_finds_traditional_noise_complaints_of_own_department_only(office):
    assert found(office["handler"], "投诉 噪音") == [office["noise"].pk]
    assert set(found(office["intake"], "投诉 噪音")) == {office["noise"].pk, office["other_noise"].pk}


def test_simplified_text_is_found_with_traditional_query(office, indexed):
    with indexed():
        simplified = CaseFactory(
            subject="小区噪音扰民", content="楼下商铺音响太吵。", department=office["epb"]
        )
    assert found(office["handler"], "擾民") == [simplified.pk]
    assert found(office["handler"], "樓下") == [simplified.pk]


def test_a_two_character_word_inside_a_sentence_is_found(office):
    assert found(office["handler"], "睡眠") == [office["noise"].pk]
    assert found(office["handler"], "施工") == [office["noise"].pk]
    assert found(office["handler"], "民生東路") == [office["noise"].pk]
    assert found(office["handler"], "火車站") == []


def test_timeline_notes_and_outcomes_are_found_once_recorded(office, indexed):
    noise = office["noise"]
    assert found(office["handler"], "環境噪音管制") == []
    with indexed():
        Event.objects.create(case=noise, kind=Event.Kind.NOTE, text="依環境噪音管制標準量測，超標。")
        Outcome.objects.create(case=noise, measures="開立罰單並限期改善")
        effects.emit(effects.CASE_CHANGED, noise.pk)  # what the command layer announces
    assert found(office["handler"], "環境噪音管制") == [noise.pk]
    assert found(office["handler"], "罰單") == [noise.pk]


def test_facets_count_the_matching_cases(office, indexed):
    with indexed():
        CaseFactory(
            subject="工地噪音又來了",
            category=Category.COMPLAINT,
            channel=Channel.HOTLINE,
            department=office["epb"],
            status=Status.ROUTED,
        )
        CaseFactory(subject="噪音標準咨詢", category=Category.INQUIRY, department=office["epb"])
    results = cases.search(office["intake"], "噪音")
    counts = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    assert results.total == 4
    assert counts["category"] == {"complaint": 3, "inquiry": 1}
    assert counts["channel"] == {"web": 2, "hotline": 2}
    assert counts["department"] == {str(office["epb"].pk): 3, str(office["dot"].pk): 1}
    narrowed = cases.search(
        office["intake"], "噪音", cases.Filters(channel="hotline", department=office["epb"].pk)
    )
    assert narrowed.total == 1


def test_personal_data_is_searchable_only_by_roles_allowed_to_see_it(office):
    noise = office["noise"]
    assert found(office["intake"], "0912345678") == [noise.pk]
    assert found(office["handler"], "陳志明") == [noise.pk]
    assert found(office["auditor"], "0912345678") == []
    assert found(office["auditor"], "陳志明") == []
    assert found(office["auditor"], "噪音 投訴") != []  # the auditor does search the cases themselves


def test_a_result_found_through_personal_data_is_logged(office, client):
    client.force_login(office["intake"])
    response = client.get("/admin/case-search/", {"q": "0912345678"})
    assert response.status_code == 200
    assert office["noise"].reference in response.content.decode()
    listing = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert "0912345678" not in listing and "陳志明" not in listing
    assert "091***5678" in listing and "陳*明" in listing
    access = PersonalDataAccess.objects.get(case=office["noise"])
    assert access.user == office["intake"]
    client.get("/admin/case-search/", {"q": "噪音"})
    assert PersonalDataAccess.objects.count() == 1  # plain words reveal nobody


def test_admin_search_shows_own_department_cases_only(office, client):
    client.force_login(office["handler"])
    response = client.get("/admin/case-search/", {"q": "投诉 噪音"})
    page = response.content.decode()
    assert response.status_code == 200
    assert office["noise"].reference in page
    assert office["other_noise"].reference not in page
    # Asking for the other department by filter gives nothing, not its cases.
    response = client.get("/admin/case-search/", {"q": "噪音", "department": office["dot"].pk})
    assert office["other_noise"].reference not in response.content.decode()


def test_admin_search_survives_odd_input(office, client):
    client.force_login(office["handler"])
    for params in (
        {"q": "\x00'\"%_\\"},
        {"q": "噪音", "p": "x"},
        {"q": "噪音", "received_from": "no"},
        {"sort": "?"},
    ):
        assert client.get("/admin/case-search/", params).status_code == 200


def test_citizens_and_unrelated_staff_cannot_reach_the_search(office, client):
    editor = staff(roles.EDITOR, username="editor-1")
    client.force_login(editor)
    response = client.get("/admin/case-search/", {"q": "噪音"})
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert response.status_code in (302, 403)
    assert office["noise"].reference not in response.content.decode()


def test_newest_first_order(office, indexed):
    with indexed():
        newer = CaseFactory(subject="噪音再次陳情", department=office["epb"])
    by_date = found(office["handler"], "噪音")
    assert by_date[0] == newer.pk
    results = cases.search(office["handler"], "投訴 噪音", sort="relevance")
    assert results.cases[0].pk == office["noise"].pk


def test_rebuild_indexes_cases_created_in_bulk(office):
    bulk = Case.objects.bulk_create(
        [
            Case(
                reference="MY-2026-900001",
                access_code_hash="!",
                channel=Channel.LETTER,
                category=Category.HELP,
                subject="獨居長者送餐服務",
                content="鄰居行動不便。",
                department=office["epb"],
            )
        ]
    )[0]
    assert found(office["handler"], "送餐") == []
    call_command("rebuild_case_index", verbosity=0)
    assert found(office["handler"], "送餐") == [bulk.pk]
    assert CaseSearchEntry.objects.count() == Case.objects.count()


def test_fallback_to_the_database_with_a_notice_when_elasticsearch_is_unreachable(
    office, client, settings, indexed
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    with indexed():
        late = CaseFactory(subject="噪音陳情（搜尋服務停機時）", department=office["epb"])
    # The database entry is written; Elasticsearch's copy is marked to catch up later.
    assert CaseSearchEntry.objects.get(case=late).elasticsearch_pending is True
    client.force_login(office["handler"])
    response = client.get("/admin/case-search/", {"q": "噪音"})
    page = response.content.decode()
    assert response.status_code == 200
    assert late.reference in page and office["noise"].reference in page
    assert office["other_noise"].reference not in page
    assert 'role="status"' in page
    results = cases.search(office["handler"], "噪音")
    assert results.backend == "database" and results.notice


@pytest.mark.parametrize("exact_count_limit", [0, 5000])
def test_a_page_of_results_is_the_same_whether_the_matches_are_few_or_many(
    office, indexed, monkeypatch, exact_count_limit
):
    # Few matches are counted and looked up by id, many are estimated and read newest first (subject
    # matches first): staff see the same page either way.
    monkeypatch.setattr(cases, "EXACT_COUNT_LIMIT", exact_count_limit)
    monkeypatch.setattr(cases, "SAMPLE_FROM", 0)
    monkeypatch.setattr(cases, "SAMPLE_EVERY", 1)
    with indexed():
        newer = CaseFactory(
            subject="夜間陳情",
            content="樓下深夜噪音不斷。",
            department=office["epb"],
            status=Status.IN_PROGRESS,
        )
    supervisor = staff(roles.SUPERVISOR, username="supervisor-1")

    def page(query, sort, **filters):
        return [
            case.pk for case in cases.search(supervisor, query, cases.Filters(**filters), sort=sort).cases
        ]

    # Newest first by date; by relevance the cases with the word in their subject come first.
    assert page("噪音", "date") == [newer.pk, office["other_noise"].pk, office["noise"].pk]
    by_relevance = page("噪音", "relevance")
    assert (
        set(by_relevance[:2]) == {office["noise"].pk, office["other_noise"].pk}
        and by_relevance[2] == newer.pk
    )
    assert page("噪音", "date", department=office["epb"].pk) == [newer.pk, office["noise"].pk]
    counted = cases.search(supervisor, "噪音")
    assert counted.estimated == (exact_count_limit == 0)
    if not counted.estimated:
        assert counted.total == 3
    assert page("罰單", "relevance") == [] and page("罰單", "date") == []


def test_english_words_are_found_whatever_their_ending(office, indexed):
    with indexed():
        lights = CaseFactory(subject="Street lights out on Harbour Road", department=office["dot"])
        leak = CaseFactory(subject="Water leaking from the ceiling", department=office["epb"])
    assert found(office["intake"], "street light") == [lights.pk]
    assert found(office["intake"], "leak") == [leak.pk]
    assert found(office["intake"], "lightning") == []  # another word, not an ending of "light"


def test_a_pasted_sentence_no_case_holds_word_for_word_falls_back_to_any_word(office, indexed):
    with indexed():
        lamp = CaseFactory(subject="路燈故障 晚上很暗", department=office["dot"])
    sentence = "我家門口的路燈已經故障三個星期了請盡快派人修理"
    results = cases.search(office["intake"], sentence)
    assert lamp.pk in [case.pk for case in results.cases]
    assert results.cases[0].pk == lamp.pk and results.notice
    # A query every word of which a case holds gets no notice.
    results = cases.search(office["intake"], "故障 很暗")
    assert [case.pk for case in results.cases] == [lamp.pk] and not results.notice


def test_a_bus_route_ranks_above_a_house_number_with_the_same_digits(office, indexed):
    with indexed():
        # The older case holds the route; the newer one the same digits as a house number.
        route = CaseFactory(subject="52路公車經常誤點", department=office["dot"])
        address = CaseFactory(subject="幸福路52號前人行道破損", department=office["dot"])
    assert found(office["intake"], "52路")[:2] == [route.pk, address.pk]
    assert found(office["intake"], "52號")[0] == address.pk


def test_too_many_matches_to_count_are_estimated_from_a_sample_and_listed_up_to_a_limit(
    office, indexed, monkeypatch, client
):
    # The limits of a city's index, scaled down: past 30 matches the search estimates from a sample
    # of half the cases, and lists 8 at most.
    monkeypatch.setattr(cases, "EXACT_COUNT_LIMIT", 30)
    monkeypatch.setattr(cases, "MAX_RESULTS", 8)
    monkeypatch.setattr(cases, "SAMPLE_FROM", 0)
    monkeypatch.setattr(cases, "SAMPLE_EVERY", 2)
    with indexed():
        for number in range(72):
            CaseFactory(
                subject=f"路燈不亮 {number}",
                department=office["dot"] if number % 3 else office["epb"],
            )
    results = cases.search(office["intake"], "路燈")
    assert results.estimated
    # 73 lamp cases (72 and the office's own): the estimate is near, not exact.
    assert 50 <= results.total <= 100
    departments = {value.label: value.count for value in results.facets["department"]}
    assert departments["交通局"] > departments["環保局"] > 0
    assert results.num_pages == 1  # 8 listed at most, on one page of 20
    # Few enough to count: exact again.
    exact = cases.search(office["intake"], "路燈", cases.Filters(department=office["epb"].pk))
    assert not exact.estimated and exact.total == 24 + 1

    client.force_login(office["intake"])
    page = client.get("/admin/case-search/", {"q": "路燈"}).content.decode()
    assert "約找到" in page and "只列出前 8 件" in page  # the office's language
    assert "(約 " in page  # the facet counts too


def test_too_many_to_rank_list_subject_matches_first_then_the_rest_each_newest_first(
    office, indexed, monkeypatch
):
    monkeypatch.setattr(cases, "EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr(cases, "SAMPLE_FROM", 0)
    monkeypatch.setattr(cases, "SAMPLE_EVERY", 1)
    start = timezone.now() - timedelta(days=30)
    with indexed():
        in_subject = [
            CaseFactory(
                subject=f"路燈故障 {n}", department=office["dot"], received_at=start + timedelta(days=n)
            )
            for n in range(3)
        ]
        in_passing = [
            CaseFactory(
                subject=f"人行道破損 {n}",
                content="人行道破損，旁邊的路燈也有點暗。",
                department=office["dot"],
                received_at=start + timedelta(days=10 + n),
            )
            for n in range(3)
        ]
    results = cases.search(office["intake"], "路燈")
    assert results.estimated
    shown = [case.pk for case in results.cases]
    # The office's own lamp case (received today) leads the subject matches.
    assert shown == [office["lamp"].pk] + [c.pk for c in reversed(in_subject)] + [
        c.pk for c in reversed(in_passing)
    ]
    # By date, newest first, whatever the subject.
    newest = cases.search(office["intake"], "路燈", sort="date")
    assert [case.pk for case in newest.cases][:4] == [office["lamp"].pk] + [
        c.pk for c in reversed(in_passing)
    ]


def test_the_sample_indexes_cover_the_sample_the_search_asks():
    # PostgreSQL uses a partial index only when the query's condition is the index's own: a sample
    # changed in one place only would read the whole table again, silently.
    import importlib

    migration = importlib.import_module("search.migrations.0009_case_search_sample_indexes")
    assert migration.SAMPLE_EVERY == cases.SAMPLE_EVERY
    # The same for the running deadlines the SLA filters read.
    migration = importlib.import_module("search.migrations.0010_entry_filter_fields")
    assert list(migration.OPEN_STATUSES) == [str(status) for status in OPEN_STATUSES]


def test_a_word_is_found_only_where_all_of_it_is(office, indexed, monkeypatch):
    # On PostgreSQL the index is asked for one part of each word (a bigram), the rest checked on
    # each entry it gives: a case holding some of the word's parts only is never found.
    with indexed():
        whole = CaseFactory(subject="低收入戶補助申請", department=office["dot"])
        CaseFactory(subject="最低收費補助", content="入戶訪視", department=office["dot"])  # no 收入
    assert found(office["intake"], "低收入戶 補助") == [whole.pk]
    # Read newest first at scale (estimated), by subject first and then the rest, alike.
    monkeypatch.setattr(cases, "EXACT_COUNT_LIMIT", 0)
    monkeypatch.setattr(cases, "SAMPLE_FROM", 0)
    monkeypatch.setattr(cases, "SAMPLE_EVERY", 1)
    for sort in ("relevance", "date"):
        results = cases.search(office["intake"], "低收入戶 補助", sort=sort)
        assert results.estimated and [case.pk for case in results.cases] == [whole.pk]


def test_filters_narrow_a_search_whether_its_matches_are_counted_or_estimated(office, indexed, monkeypatch):
    # The entries hold the fields the filters ask for (category, channel, the deadline): a filtered
    # search reads them alone, counted or at scale.
    today = timezone.localdate()
    with indexed():
        complaint = CaseFactory(
            subject="井蓋鬆動", category=Category.COMPLAINT, channel=Channel.HOTLINE, department=office["dot"]
        )
        overdue = CaseFactory(
            subject="井蓋不見了",
            status=Status.IN_PROGRESS,
            department=office["dot"],
            due_date=today - timedelta(days=3),
        )
        CaseFactory(subject="井蓋異響", status=Status.IN_PROGRESS, department=office["dot"], due_date=today)
    for at_scale in (False, True):
        if at_scale:
            monkeypatch.setattr(cases, "EXACT_COUNT_LIMIT", 0)
            monkeypatch.setattr(cases, "SAMPLE_FROM", 0)
            monkeypatch.setattr(cases, "SAMPLE_EVERY", 1)
        for sort in ("relevance", "date"):
            results = cases.search(office["intake"], "井蓋", cases.Filters(category=Category.COMPLAINT), sort)
            assert results.estimated == at_scale
            assert [case.pk for case in results.cases] == [complaint.pk]
            results = cases.search(office["intake"], "井蓋", cases.Filters(channel=Channel.HOTLINE), sort)
            assert [case.pk for case in results.cases] == [complaint.pk]
            results = cases.search(office["intake"], "井蓋", cases.Filters(sla=SLAState.OVERDUE), sort)
            assert [case.pk for case in results.cases] == [overdue.pk]
            assert {f.value: f.count for f in results.facets["sla"]} == {SLAState.OVERDUE: 1}


def test_a_paused_case_leaves_the_sla_filters_and_comes_back_when_resumed(office):
    # The entry copies the case's deadline in the command's own transaction: a search by SLA state
    # agrees with the case list at once.
    from casework import workflow

    case = CaseFactory(
        subject="垃圾桶滿溢",
        status=Status.ROUTED,
        department=office["epb"],
        due_date=timezone.localdate() - timedelta(days=2),
    )
    assert found(office["handler"], "垃圾桶", sla=SLAState.OVERDUE) == [case.pk]
    workflow.pause(case, office["handler"], "等待民眾提供照片")
    assert CaseSearchEntry.objects.get(case=case).paused_at is not None
    assert found(office["handler"], "垃圾桶", sla=SLAState.OVERDUE) == []
    resumed = workflow.resume(Case.objects.get(pk=case.pk), office["handler"])
    entry = CaseSearchEntry.objects.get(case=case)
    assert (entry.paused_at, entry.due_date) == (None, resumed.due_date)
    # Overdue again unless resuming moved the deadline past today: as the case list says.
    overdue = Case.objects.filter(pk=case.pk).filter(sla_condition(SLAState.OVERDUE)).exists()
    assert found(office["handler"], "垃圾桶", sla=SLAState.OVERDUE) == ([case.pk] if overdue else [])
