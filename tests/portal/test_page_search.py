"""Public page search at /<lang>/search/: Chinese in either script, only live public pages of the language."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page, PageViewRestriction, Site

from portal.localization import ensure_locales
from portal.models import HomePage
from search import pages as page_search
from search.models import PageSearchEntry
from search.views import MAX_QUERY_LENGTH
from tests.helpers import save_screenshot

pytestmark = pytest.mark.django_db

RESULT_RE = re.compile(r'<li class="search-result">\s*<h2><a href="([^"]+)">([^<]*)</a>', re.S)


def add_page(parent, title, intro, slug, publish=True, **fields):
    page = parent.add_child(instance=HomePage(title=title, slug=slug, intro=intro, **fields))
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish()
    return page


def translate(page, locale, title, intro):
    """A translation of ``page`` with its own text, published the way an editor would."""
    copy = page.copy_for_translation(locale).specific
    copy.title = title
    copy.intro = intro
    copy.save_revision().publish()
    return copy


@pytest.fixture
def portal():
    locales = ensure_locales()
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="民意訴求服務中心", slug="search-home", locale=locales["zh-hant"])
    )
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    homes = {"zh-hant": home}
    homes["zh-hans"] = translate(home, locales["zh-hans"], "民意诉求服务中心", "")
    homes["en"] = translate(home, locales["en"], "Public Appeals Office", "")

    complaint = add_page(
        home,
        "常見問題：我可以如何提出意見？",
        "<p>如對本辦公室的服務不滿意，可透過網上表格、熱線或信件提出<b>投訴</b>，我們會於十個工作日內答覆。</p>",
        "faq-complaint",
    )
    noise = add_page(
        home, "個案摘要", "<p>市民反映夜間施工噪音擾民，本中心已轉交環保部門處理。</p>", "case-summary"
    )
    draft = add_page(home, "投訴指引（草稿）", "<p>投訴的草稿內容。</p>", "draft", publish=False)
    restricted = add_page(home, "內部投訴統計", "<p>投訴統計，只供職員查閱。</p>", "restricted")
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="secret")
    complaint_hans = translate(
        complaint,
        locales["zh-hans"],
        "常见问题：我可以如何提出意见？",
        "<p>如对本办公室的服务不满意，可通过网上表格、热线或信件提出投诉，我们会于十个工作日内答复。</p>",
    )
    complaint_en = translate(
        complaint,
        locales["en"],
        "FAQ: how can I raise a concern?",
        "<p>If you are not satisfied with our service, you can make a complaint online, by phone or by letter.</p>",
    )
    return {
        "homes": homes,
        "complaint": complaint,
        "complaint_hans": complaint_hans,
        "complaint_en": complaint_en,
        "noise": noise,
        "draft": draft,
        "restricted": restricted,
    }


def search(client, language, query, **params):
    response = client.get(f"/{language}/search/", {"q": query, **params})
    assert response.status_code == 200
    return response, RESULT_RE.findall(response.content.decode())


@pytest.mark.parametrize("query", ["投訴", "投诉", "網上表格 投訴", "不滿意，投诉"])
def test_either_chinese_script_finds_the_complaints_page(client, portal, query):
    _response, results = search(client, "zh-hant", query)
    assert [title for _url, title in results][:1] == [portal["complaint"].title]
    assert results[0][0] == portal["complaint"].url


def test_a_two_character_word_inside_a_sentence_is_found(client, portal):
    _response, results = search(client, "zh-hant", "噪音")
    assert [title for _url, title in results] == ["個案摘要"]
    _response, results = search(client, "zh-hant", "施工 擾民")
    assert [title for _url, title in results] == ["個案摘要"]


def test_simplified_query_on_the_simplified_site_finds_the_simplified_page(client, portal):
    _response, results = search(client, "zh-hans", "投诉")
    assert results == [(portal["complaint_hans"].url, portal["complaint_hans"].title)]
    assert results[0][0].startswith("/zh-hans/")


def test_english_search_finds_english_pages_only(client, portal):
    _response, results = search(client, "en", "ＣＯＭＰＬＡＩＮＴ")
    assert results == [(portal["complaint_en"].url, portal["complaint_en"].title)]
    _response, results = search(client, "en", "投訴")
    assert results == []


def test_drafts_restricted_pages_and_other_languages_are_not_returned(client, portal):
    _response, results = search(client, "zh-hant", "投訴")
    urls = [url for url, _title in results]
    assert urls == [portal["complaint"].url]
    assert not any("/zh-hans/" in url or "/en/" in url for url in urls)
    _response, results = search(client, "zh-hant", "草稿")
    assert results == []
    _response, results = search(client, "zh-hant", "統計")
    assert results == []


def test_result_shows_an_excerpt_around_the_match_and_a_count(client, portal):
    response, _results = search(client, "zh-hant", "噪音")
    html = response.content.decode()
    assert "夜間施工<mark>噪音</mark>擾民" in html
    response, _results = search(client, "zh-hant", "投诉")
    assert "<mark>投訴</mark>" in response.content.decode()
    assert html.count('class="search-result"') == 1
    assert "「噪音」共有 1 項結果" in html


def test_result_count_is_shown(client, portal):
    response, _results = search(client, "en", "complaint")
    assert "1 result for “complaint”" in response.content.decode()
    for number in range(2):
        add_page(portal["homes"]["en"], f"Notice {number}", "<p>A complaint was answered.</p>", f"n-{number}")
    response, _results = search(client, "en", "complaint")
    assert "3 results for “complaint”" in response.content.decode()


def test_title_matches_rank_first(client, portal):
    add_page(portal["homes"]["zh-hant"], "噪音投訴", "<p>關於噪音的說明。</p>", "noise-complaints")
    _response, results = search(client, "zh-hant", "噪音")
    assert [title for _url, title in results] == ["噪音投訴", "個案摘要"]


def test_between_equal_matches_the_page_about_the_words_comes_first(client, portal):
    home = portal["homes"]["zh-hant"]
    long_text = "<p>" + "本辦法規定接待工作的機構、人員與流程。" * 80 + "市民可來信反映。</p>"
    add_page(home, "乙、管理辦法", long_text, "long-rules")
    add_page(home, "甲、常見問題", "<p>如何來信反映意見？</p>", "short-faq")
    _response, results = search(client, "zh-hant", "來信 反映")
    assert [title for _url, title in results] == ["甲、常見問題", "乙、管理辦法"]  # not the order of titles


def test_unpublishing_and_deleting_remove_a_page_from_the_results(client, portal):
    portal["noise"].unpublish()
    assert search(client, "zh-hant", "噪音")[1] == []
    portal["noise"].save_revision().publish()
    assert len(search(client, "zh-hant", "噪音")[1]) == 1
    portal["noise"].delete()
    assert search(client, "zh-hant", "噪音")[1] == []
    assert not PageSearchEntry.objects.filter(page__title="個案摘要").exists()


def test_republishing_with_new_text_updates_the_results(client, portal):
    page = portal["noise"]
    page.intro = "<p>道路維修工程安排。</p>"
    page.save_revision().publish()
    assert search(client, "zh-hant", "噪音")[1] == []
    assert len(search(client, "zh-hant", "維修")[1]) == 1


def test_rebuild_command_indexes_every_live_page(client, portal):
    PageSearchEntry.objects.all().delete()
    assert search(client, "zh-hant", "噪音")[1] == []
    call_command("rebuild_page_search", stdout=open("/dev/null", "w"))
    assert len(search(client, "zh-hant", "噪音")[1]) == 1
    live = Page.objects.live().filter(depth__gt=1).count()
    assert PageSearchEntry.objects.count() == live
    before = list(PageSearchEntry.objects.values_list("pk", "updated_at"))
    page_search.rebuild()
    assert list(PageSearchEntry.objects.values_list("pk", "updated_at")) == before


def test_empty_query_shows_the_form_and_a_hint(client, portal):
    response, results = search(client, "zh-hant", "")
    html = response.content.decode()
    assert results == []
    assert 'for="search-query">' in html
    assert 'name="q"' in html and 'method="get"' in html
    assert "search-hint" in html


def test_no_results_message(client, portal):
    response, results = search(client, "en", "zebra")
    assert results == []
    assert "Nothing was found for “zebra”" in response.content.decode()


def test_results_are_paginated_and_keep_the_query(client, portal):
    for number in range(12):
        add_page(
            portal["homes"]["zh-hant"], f"公告 {number}", "<p>接待時間調整通知。</p>", f"notice-{number}"
        )
    response, first = search(client, "zh-hant", "接待時間")
    assert len(first) == 10
    html = response.content.decode()
    assert "?q=%E6%8E%A5%E5%BE%85%E6%99%82%E9%96%93&amp;page=2" in html
    _response, second = search(client, "zh-hant", "接待時間", page=2)
    assert len(second) == 2
    assert not {url for url, _ in first} & {url for url, _ in second}
    _response, past_the_end = search(client, "zh-hant", "接待時間", page=99)
    assert past_the_end == second
    _response, nonsense = search(client, "zh-hant", "接待時間", page="x")
    assert nonsense == first


def test_over_long_query_is_cut_not_refused(client, portal):
    response, results = search(client, "zh-hant", "噪音" + "啊" * 10_000)
    assert results == []
    assert response.content.decode().count("啊") <= MAX_QUERY_LENGTH * 3
    _response, results = search(client, "zh-hant", "噪音 " + "x" * 5000)
    assert results == []


def test_only_reading_methods_are_allowed(client, portal):
    assert client.post("/zh-hant/search/", {"q": "噪音"}).status_code == 405
    assert client.head("/zh-hant/search/", {"q": "噪音"}).status_code == 200


def test_search_without_a_language_prefix_goes_to_the_readers_language(client, portal):
    response = client.get("/search/", {"q": "噪音"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/search/?q=%E5%99%AA%E9%9F%B3"


def test_repeated_and_odd_parameters_do_not_break_the_page(client, portal):
    response = client.get("/zh-hant/search/?q=%E5%99%AA%E9%9F%B3&q=&page=-1&page=0")
    assert response.status_code == 200
    response = client.get("/zh-hant/search/?q=%FF%FE%00%E5%99%AA")
    assert response.status_code == 200


def test_query_is_escaped_in_the_page(client, portal):
    response, _results = search(client, "zh-hant", '<script>alert("x")</script>')
    assert '<script>alert("x")</script>' not in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_unicode_query_is_answered_without_error(client, portal, query):
    for language in ("zh-hant", "en"):
        response = client.get(f"/{language}/search/", {"q": query, "page": query[:5]})
        assert response.status_code == 200


def test_demo_pages_are_searchable_in_every_language(demo_site, client):
    # load_demo indexes what it publishes, including the translations it creates.
    for language, query in (("zh-hant", "訴求"), ("zh-hans", "訴求"), ("en", "appeals")):
        _response, results = search(client, language, query)
        assert results, language
        assert all(url.startswith(f"/{language}/") for url, _title in results)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_in_a_browser_without_javascript_and_without_serious_axe_violations(
    live_server, demo_site_transactional, browser, page, artifacts_dir
):
    context = browser.new_context(locale="zh-TW", java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/zh-hans/search/")
        tab.get_by_label("搜索本网站").fill("投訴")
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/zh-hans/search/?q=*")
        results = tab.locator("[class*=result] h2 a")
        assert results.count() >= 1
        assert all(
            href.startswith("/zh-hans/")
            for href in results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        )
        results.first.click()
        assert tab.locator("html").get_attribute("lang") == "zh-Hans"
    finally:
        context.close()

    for name, query in (("results", "投诉"), ("nothing-found", "噪音"), ("empty", "")):
        page.goto(f"{live_server.url}/zh-hant/search/?q={query}")
        save_screenshot(page, str(artifacts_dir / f"search-{name}.png"), full_page=True)
        violations = Axe().run(page).response["violations"]
        serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
        assert serious == [], serious


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_search_box_for_other_pages_sends_readers_to_their_languages_search(rf, language):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        html = render_to_string("search/includes/search_box.html", request=rf.get("/"))
    assert f'action="/{language}/search/"' in html
    assert '<label for="site-search-query">' in html and 'id="site-search-query" name="q"' in html
