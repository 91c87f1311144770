"""The shared text normalisation: both Chinese scripts, full-width forms, mixed scripts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeals.text import as_token_text, index_terms, normalize, query_terms, query_words


def matches(query, text):
    """What every backend does with these terms: the text must hold all of the query's terms."""
    terms = set(index_terms(text))
    wanted = query_terms(query)
    return bool(wanted) and all(term in terms for term in wanted)


def test_normalize_folds_traditional_to_simplified():
    assert normalize("投訴") == "投诉"
    assert normalize("夜間施工噪音擾民") == "夜间施工噪音扰民"
    assert normalize("臺灣") == normalize("台灣") == "台湾"


def test_normalize_turns_full_width_into_plain_and_folds_case():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("Ｈｏｔｌｉｎｅ：１２３４５") == "hotline:12345"
    assert normalize("MY-2026-000123") == "my-2026-000123"


def test_normalize_drops_control_characters():
    assert "\x00" not in normalize("投訴\x00噪音")
    assert normalize("") == ""
    assert normalize(None) == ""


def test_either_script_finds_the_other():
    assert matches("投诉", "如何提出投訴？")
    assert matches("投訴", "如何提出投诉？")
    assert matches("噪音 扰民", "夜間施工噪音擾民")


def test_two_character_word_inside_a_sentence_is_found():
    sentence = "夜間施工噪音擾民"
    assert matches("噪音", sentence)
    assert matches("施工", sentence)
    assert "噪音" in index_terms(sentence)


def test_words_and_bigrams_and_single_characters_are_indexed():
    terms = index_terms("民意訴求管理辦法")
    assert "民意" in terms  # a jieba word
    assert "意诉" in terms  # a bigram across two words
    assert "法" in terms  # a single character, for one-character queries
    assert matches("法", "民意訴求管理辦法")


def test_mixed_scripts_and_full_width_query():
    text = "熱線 Hotline：１２３４５，Email appeals@example.org，編號 MY-2026-000123"
    assert matches("hotline", text)
    assert matches("ＨＯＴＬＩＮＥ", text)
    assert matches("12345", text)
    assert matches("熱線 hotline", text)
    assert matches("2026 编号", text)
    assert matches("appeals example", text)


def test_latin_words_are_whole_words():
    # Whole words, asked for by their English stems (the index holds the stems too).
    assert query_terms("Noise Complaint") == ["nois", "complaint"]
    assert "complaint" in index_terms("How to make a complaint.")
    assert not matches("complain", "How to make a complaint.")


def test_text_without_the_query_does_not_match():
    assert not matches("噪音", "如何提出投訴")
    assert not matches("投诉 噪音", "如何提出投訴")  # every term is needed
    assert not matches("complaint", "投訴")


def test_query_terms_are_bigrams_of_each_chinese_run():
    assert query_terms("投訴噪音") == ["投诉", "诉噪", "噪音"]
    assert query_terms("訴") == ["诉"]
    assert query_terms("，。！  ") == []
    assert query_terms("") == []


def test_query_words_come_from_segmentation():
    assert "登记表" in query_words("來訪登記表")
    assert query_words("noise 噪音") == ["noise", "噪音"]


def test_query_terms_are_capped():
    assert len(query_terms(" ".join(f"word{i}" for i in range(500)))) == 32


def test_token_text_frames_every_term_with_spaces():
    text = as_token_text(index_terms("投訴"))
    assert text.startswith(" ") and text.endswith(" ")
    assert " 投诉 " in text
    assert as_token_text([]) == ""


@given(st.text(max_size=200))
def test_any_text_can_be_indexed_and_queried(text):
    terms = index_terms(text)
    assert all(term and " " not in term for term in terms)
    assert all(term and " " not in term for term in query_terms(text))
    # Every query made from a text finds that text.
    if query_terms(text):
        assert matches(text, text)


def test_variant_and_compatibility_characters_fold_together():
    assert normalize("裡面") == normalize("裏面") == "里面"
    assert normalize("綫") == normalize("線")
    assert normalize("\uf900") == normalize("豈")  # a CJK compatibility ideograph
    assert normalize("①") == "1"


def test_digits_next_to_chinese_are_their_own_term():
    assert matches("5 工作日", "5個工作日內答覆")
    assert matches("工作日內", "5個工作日內答覆")
    assert matches("答复", "5個工作日內答覆")


def test_case_references_are_found_by_their_parts():
    assert query_terms("MY-2026-000123") == ["my", "2026", "000123"]
    assert matches("my-2026-000123", "編號：MY-2026-000123")


def test_other_scripts_rare_characters_and_emoji():
    terms = index_terms("𠀋𠀌 ひらがな 한국어 😀 café")
    assert {"𠀋𠀌", "ひらがな", "한국어", "café"} <= set(terms)
    assert not any("😀" in term for term in terms)
    assert query_terms("😀😀") == []


def test_an_english_word_and_its_inflections_meet_on_one_stem():
    assert set(query_terms("street light")) <= set(index_terms("Street lights out"))
    assert set(query_terms("leaking")) <= set(index_terms("a leak under the sink"))
    # Identifiers, numbers and other scripts are left as they are.
    assert query_terms("MY-2026-000144") == ["my", "2026", "000144"]
    assert "52" in index_terms("52路") and "路" in index_terms("52路")


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("計程車", "出租车司机绕路"),
        ("出租車", "計程車司機繞路"),
        ("身份證", "遺失身分證補發"),
        ("軟體", "政府网站软件故障"),
    ],
)
def test_taiwan_and_mainland_words_for_the_same_thing_find_each_other(query, text):
    assert matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("ABC1234", "車牌ABC-1234長期違停"),
        ("ABC-1234", "車牌 ABC1234 長期違停"),
        ("abc 1234", "車牌 ABC1234 長期違停"),
        ("A12", "編號 A-12 的路燈不亮"),
    ],
)
def test_an_identifier_is_found_however_it_is_typed(query, text):
    assert matches(query, text)


def test_an_identifier_does_not_match_another_with_the_same_letters():
    assert not matches("ABC1234", "車牌 ABC-5678 長期違停")


def test_a_number_and_the_character_after_it_are_also_one_term():
    assert "52路" in index_terms("搭52路公車") and "52号" in index_terms("幸福路52號")
    assert "52路" not in index_terms("幸福路52號")
    # A query asks for the number and the character; the unit only ranks.
    assert query_terms("52路") == ["52", "路"] and "52路" in query_words("52 路")
