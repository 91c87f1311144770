"""The two management measures (seed documents) as structured sections for the demo PolicyPages.

The seed files are scraped web text: the rule text sits between the "文檔簡介" and "溫馨提示"
page chrome, a few characters carry scraped pinyin, and the last section is cut off mid-sentence.
"""

import re
from pathlib import Path

from .translation import converter

SEEDS = Path(__file__).resolve().parent / "seeds"
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# Characters the scrape lost, restored from the surrounding sentence.
REPAIRS = {
    "?，F場接待": "。現場接待",
    # OpenCC's character-level choices that Taiwan usage writes otherwise.
    "考覈": "考核",
    "覈實": "核實",
    "規范": "規範",
    "聯系": "聯繫",
    "關系": "關係",
    "祕密": "秘密",
    "注冊": "註冊",
}
# The template's blanks and its "company/organisation" become named placeholders, filled with the
# office's stage limits and name when the page is shown (portal/placeholders.py).
PLACEHOLDERS = {
    "應在[X]個工作日內進行初步審核": "應在{screening_days}個工作日內進行初步審核",
    "在[X]個工作日內完成分流": "在{routing_days}個工作日內完成分流",
    "應在[X]個工作日內制定處理方案": "應在{handling_plan_days}個工作日內制定處理方案",
    # Review and approval have no limit of their own: they fall within the reply period.
    "審核與審批應在[X]個工作日內完成": "審核與審批應在答復期限內完成",
    # The reply period counts from receipt (Settings → Stage time limits).
    "在[X]個工作日內將處理結果反饋給訴求人": "在收件後{reply_days}個工作日內將處理結果反饋給訴求人",
    "本公司/組織": "{office}",
    "公司/組織": "{office}",
}
NUMERALS = "一二三四五六七八九十"


def clean_text(filename):
    raw = (SEEDS / filename).read_text(encoding="utf-8")
    body = raw.split("文檔簡介", 1)[1].split("溫馨提示", 1)[0].strip()
    body = PINYIN.sub("", body)
    body = converter("s2t").convert(body)  # the scrape mixes in simplified characters
    body = body.replace(",", "，").replace(":", "：").replace(";", "；")
    for broken, fixed in REPAIRS.items():
        body = body.replace(broken, fixed)
    body = re.sub(r"審核或\?[^，]*，", "審核或審批意見，", body)
    for blank, placeholder in PLACEHOLDERS.items():
        body = body.replace(blank, placeholder)
    if "[X]" in body:
        raise ValueError(f"{filename}: a blank of the measures has no placeholder in PLACEHOLDERS")
    return body


def paragraphs(text):
    """Numbered items ("1.…2.…") become lines of one paragraph, so a translator sees one unit."""
    items = [item.strip() for item in re.split(r"(?<=[。；：])(?=\d+\.)", text) if item.strip()]
    return items


def parse(filename, outline):
    """[(h2, [(h3, [lines])])] following ``outline`` = [(h2, [h3, …])]; incomplete trailing text is dropped."""
    text = clean_text(filename)
    result = []
    for index, (h2, subsections) in enumerate(outline):
        start = text.index(f"{NUMERALS[index]}、{h2}") + len(h2) + 2
        end = text.find(f"{NUMERALS[index + 1]}、{outline[index + 1][0]}") if index + 1 < len(outline) else -1
        section = text[start:] if end == -1 else text[start:end]
        children = []
        for sub_index, h3 in enumerate(subsections):
            marker = f"({NUMERALS[sub_index]}){h3}"
            sub_start = section.index(marker) + len(marker)
            if sub_index + 1 < len(subsections):
                sub_end = section.index(f"({NUMERALS[sub_index + 1]}){subsections[sub_index + 1]}")
            else:
                sub_end = len(section)
            body = section[sub_start:sub_end]
            if not body.rstrip().endswith("。"):
                body = body[: body.rfind("。") + 1]
            if body:
                children.append((h3, paragraphs(body)))
        result.append((h2, children))
    return result
