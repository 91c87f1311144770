"""Hot topics: the keywords of case subjects, counted per day (reporting.statistics) and shown in the
reader's script.

A subject is folded as every text of the project is (appeals.text.normalize: Simplified script,
case-folded) and cut into words by jieba's precise mode, so a road name stays whole (中山东路,
never its halves 山东 and 东路). A longer word that is not a place also gives its shorter words, so
垃圾车 counts for 垃圾 as well. Words of the stop-word list (reporting/stopwords.txt: 建议, 协助,
不佳, address fragments, "please" ...), single characters and numbers are left out.

Terms are stored folded; each reader sees them in their own script: Simplified for zh-Hans,
Traditional (with Taiwan phrasing, OpenCC's s2twp) for zh-Hant and the other languages.
"""

from functools import lru_cache
from pathlib import Path

from django.utils import translation

from appeals.text import _runs, _segmenter, normalize

STOP_WORDS_FILE = Path(__file__).with_name("stopwords.txt")

# The last character of a place or an address (in Simplified): such a word is kept whole.
PLACE_ENDINGS = set("路街道巷弄号楼区市县镇乡村里段桥站")


@lru_cache(maxsize=1)
def stop_words():
    """The stop words, folded as subjects are."""
    words = set()
    for line in STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(normalize(line))
    return frozenset(words)


def _worth_counting(word):
    return len(word) > 1 and not word.isdigit() and word not in stop_words()


def keywords(subject):
    """The distinct keywords of a subject, folded, in the order they occur."""
    segmenter = _segmenter()
    found = []
    for is_cjk, run in _runs(normalize(subject)):
        if not is_cjk:
            found.append(run)
            continue
        for word in segmenter.cut(run):
            found.append(word)
            if len(word) > 2 and word[-1] not in PLACE_ENDINGS:
                found.extend(part for part in segmenter.cut_for_search(word) if part != word)
    return [word for word in dict.fromkeys(found) if _worth_counting(word)]


@lru_cache(maxsize=1)
def _to_traditional():
    try:
        import opencc
    except ImportError:  # the terms are then shown as stored, in Simplified
        return None
    return opencc.OpenCC("s2twp")


def in_reader_script(term, language=None):
    """A stored (Simplified) term in the script of the reader's language."""
    language = (language or translation.get_language() or "").lower()
    if language.startswith("zh-hans") or language in {"zh-cn", "zh-sg"}:
        return term
    converter = _to_traditional()
    return converter.convert(term) if converter else term
