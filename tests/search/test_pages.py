"""Excerpts under page search results: a window around the first match, matches marked."""

from appeals.text import query_terms
from search.pages import excerpt


def marked(parts):
    return "".join(f"[{text}]" if is_match else text for text, is_match in parts)


def test_excerpt_marks_matches_in_either_script():
    assert (
        marked(excerpt("市民反映夜間施工噪音擾民。", query_terms("噪音"))) == "市民反映夜間施工[噪音]擾民。"
    )
    assert marked(excerpt("可提出投訴或建議。", query_terms("投诉"))) == "可提出[投訴]或建議。"


def test_a_phrase_is_marked_as_one_stretch():
    assert marked(excerpt("夜間施工噪音擾民", query_terms("施工噪音"))) == "夜間[施工噪音]擾民"


def test_latin_matches_ignore_case_and_width():
    assert (
        marked(excerpt("Call the Hotline today", query_terms("ＨＯＴＬＩＮＥ"))) == "Call the [Hotline] today"
    )


def test_long_text_is_cut_around_the_first_match():
    text = "甲" * 500 + "噪音" + "乙" * 500
    parts = excerpt(text, query_terms("噪音"), length=100)
    rendered = marked(parts)
    assert rendered.startswith("…") and rendered.endswith("…")
    assert "[噪音]" in rendered
    assert len(rendered) <= 100 + 4


def test_without_a_match_the_excerpt_is_the_start_of_the_text():
    parts = excerpt("第一段。\n\n第二段。", query_terms("噪音"))
    assert parts == [("第一段。 第二段。", False)]
    assert excerpt("", query_terms("噪音")) == []
