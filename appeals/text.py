"""The one text normalisation the project shares: the portal page search, the case search and the
statistics' hot topics.

Text and queries go through the same steps, so whatever a citizen or a staff member types meets
the indexed text on equal terms:

1. NFKC, so full-width letters and digits (ＡＢＣ１２３) become their ordinary forms;
2. Traditional → Simplified folding with OpenCC's Taiwan → mainland phrase table, so 投訴 and 投诉
   are the same word, and so are 計程車 and 出租车 (plus a short list of pairs it leaves apart:
   身分證/身份證);
3. case folding;
4. tokens: jieba words and every CJK character bigram and single character for Chinese runs,
   whole words for Latin, digits and other scripts; an English word is indexed with its Snowball
   stem as well, and a query asks for the stem, so "street light" finds "Street lights out".

Queries are matched on bigrams rather than on jieba's words: jieba may cut a two-word query
differently from the sentence that contains it, whereas every two characters of a query that
occur together in the text are always among the text's bigrams. The jieba words in the index
let a backend that ranks by term reward whole-word matches.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# CJK Unified Ideographs with extension A, compatibility ideographs and the supplementary planes.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
TOKEN_RE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")

# A query is cut down to this many terms: enough for any sentence a person types into a box,
# and a bound on the work one request can cause.
MAX_QUERY_TERMS = 32

_jieba_lock = threading.Lock()
_stemmer_lock = threading.Lock()
_stemmer = snowballstemmer.stemmer("english")
# Words worth stemming: letters of the English alphabet only (no digits, identifiers or other
# scripts), long enough to carry an ending.
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
# Where letters and digits meet inside a word: a licence plate or a lamp-post number is found however
# it is typed (ABC-1234, ABC 1234, ABC1234).
LETTERS_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# A number and the character written right after it are one unit: 52路 is a bus route, 52号 a house
# number, 3楼 a floor. The unit is indexed as a term of its own, and a query naming it ranks the
# cases holding it above those where the number and the character stand apart (幸福路52号).
NUMBER_UNIT = re.compile(rf"(?<![0-9])([0-9]+)[ ]?([{CJK}])")


# Taiwan and mainland words for the same thing fold to one: OpenCC's phrase-level Taiwan →
# mainland table (tw2sp: 計程車 → 出租车, 軟體 → 软件, 資訊 → 信息) does most of it; these are the
# pairs it leaves apart that citizens type either way (both sides already in Simplified script).
REGIONAL_VARIANTS = {
    "身分证": "身份证",
    "机车": "摩托车",
    "公车": "公交车",
}
_REGIONAL_RE = re.compile("|".join(map(re.escape, REGIONAL_VARIANTS)))


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("tw2sp")


def _fold_script(text):
    return _REGIONAL_RE.sub(lambda match: REGIONAL_VARIANTS[match.group()], _converter().convert(text))


@lru_cache(maxsize=1)
def _segmenter():
    # jieba's dictionary ships inside the package; loading it takes about a second, so it is done
    # on first use, once, and without the progress lines jieba logs by default.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    return tokenizer


def normalize(text):
    """Fold ``text`` for comparison: NFKC, Simplified script, case-folded, control characters gone."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    # Control and unpaired surrogate characters carry no meaning and upset databases (NUL in SQL).
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    return _fold_script(text).casefold()


def _runs(folded):
    """(is_cjk, run) pairs of ``folded`` text, in order; punctuation and spaces separate runs."""
    for match in TOKEN_RE.finditer(folded):
        if match.group("cjk"):
            yield True, match.group("cjk")
        else:
            yield False, match.group("word")


def stem(word):
    """The English stem of a folded word ("lights" → "light", "leaking" → "leak"); other words as
    they are. Not cached: personal data (a citizen's name in Latin letters) passes through here, and
    a process-wide cache would keep it in clear."""
    if not ENGLISH_WORD.fullmatch(word):
        return word
    with _stemmer_lock:  # the Snowball stemmer keeps state while it works
        return _stemmer.stemWord(word)


def _identifier_parts(word):
    """The letter and digit parts of a word that mixes them ("abc1234" → abc, 1234); else none."""
    parts = LETTERS_DIGITS.split(word)
    return parts if len(parts) > 1 else []


def _bigrams(run):
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _number_units(folded):
    return [number + unit for number, unit in NUMBER_UNIT.findall(folded)]


def _unique(terms):
    return list(dict.fromkeys(terms))


def index_terms(text):
    """Every term under which ``text`` should be found: words, CJK bigrams and single characters."""
    terms = []
    folded = normalize(text)
    for is_cjk, run in _runs(folded):
        if not is_cjk:
            terms.extend((run, stem(run), *_identifier_parts(run)))
            continue
        terms.extend(word for word in _segmenter().cut_for_search(run) if len(word) > 1)
        terms.extend(_bigrams(run))
        terms.extend(run)
    return _unique(terms + _number_units(folded))


def query_terms(query):
    """The terms a document must contain, all of them, to match ``query``.

    A Chinese run gives its bigrams (a lone character gives itself), other scripts give words.
    """
    terms = []
    for is_cjk, run in _runs(normalize(query)):
        if is_cjk:
            terms.extend(_bigrams(run) if len(run) > 1 else [run])
        else:
            terms.extend(_identifier_parts(run) or [stem(run)])
    return _unique(terms)[:MAX_QUERY_TERMS]


def query_words(query):
    """jieba's words of ``query`` (two characters or more) and its numbers with their units (52路):
    for ranking whole-word matches higher."""
    words = []
    folded = normalize(query)
    for is_cjk, run in _runs(folded):
        if is_cjk:
            words.extend(word for word in _segmenter().cut_for_search(run) if len(word) > 1)
        else:
            words.append(run)
    return _unique(words + _number_units(folded))[:MAX_QUERY_TERMS]


def as_token_text(terms):
    """Terms joined and framed by spaces, so that ``LIKE '% term %'`` matches whole terms only."""
    return f" {' '.join(terms)} " if terms else ""
