"""Machine translation between the two Chinese scripts, for wagtail-localize's one-click drafts and
for the zh-Hans message catalogue (manage.py sync_catalogues).

zh-Hans is written as the mainland writes it, not letter for letter: OpenCC's phrase-level Taiwan →
mainland conversion (tw2sp) turns 軟體 into 软件 and 字元 into 字符, where the character-level t2s
would give 软体 and 字元. Its phrase table misses some Hong Kong words (私隱) and reads some of ours
in a sense they do not have here (查詢 "inquiry" is not 查找 "look up"), so a hand-kept table of
exceptions wins over it.
"""

import re
from functools import cache

import opencc
from django.utils.translation import gettext_lazy as _
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

# zh-Hant phrase → the mainland's zh-Hans, applied before OpenCC sees the text; the longest match wins.
MAINLAND_EXCEPTIONS = {
    # Hong Kong and Taiwan words the mainland writes otherwise, which tw2sp leaves as they are.
    "私隱": "隐私",
    "字元": "字符",
    "聯絡資料": "联系信息",
    "聯絡": "联系",
    "身分": "身份",
    "紀錄": "记录",
    "帳戶": "账户",
    "帳號": "账号",
    "稽核": "审计",
    "個人資料": "个人信息",
    "資料庫": "数据库",
    "服務專線": "服务热线",
    "電郵": "电子邮件",
    "透過": "通过",
    "登出": "退出登录",
    "回到頁首": "返回顶部",
    # tw2sp phrases that mean something else in this office's texts.
    "查詢": "查询",  # an inquiry, tracking a case: not 查找 "look something up"
    "資料": "资料",  # the citizen's information and papers: not 数据 "data"
    "程序": "程序",  # the handling procedure: not 进程 "process"
    "即時": "即时",  # "at once": not 实时 "real time"
    "文件": "文件",  # not 文档
    "執行": "执行",  # not 运行
    "批次": "批次",  # not 批量
    "啟用": "启用",  # not 激活
    "排程工作": "定时任务",  # not 调度工作
    "排程": "定时计划",
    # The mainland's quotation marks.
    "「": "“",
    "」": "”",
    "『": "‘",
    "』": "’",
}


@cache
def converter(config):
    return opencc.OpenCC(config)


class MainlandConverter:
    """tw2sp with the exceptions: each exception is replaced as a whole, the text between is converted."""

    def __init__(self, exceptions=None):
        self.exceptions = MAINLAND_EXCEPTIONS if exceptions is None else exceptions
        phrases = sorted(self.exceptions, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, phrases))) if phrases else None

    def convert(self, text):
        if not text:
            return text
        opencc_convert = converter("tw2sp").convert
        if self.pattern is None:
            return opencc_convert(text)
        parts, last = [], 0
        for match in self.pattern.finditer(text):
            parts.append(opencc_convert(text[last : match.start()]))
            parts.append(self.exceptions[match.group()])
            last = match.end()
        parts.append(opencc_convert(text[last:]))
        return "".join(parts)


@cache
def mainland():
    return MainlandConverter()


def to_mainland(text):
    """zh-Hant text as zh-Hans, in the mainland's words."""
    return mainland().convert(text)


def conversion(source_language, target_language):
    """The function that converts text between the two scripts, or None for other languages."""
    pair = (source_language.lower(), target_language.lower())
    if pair == ("zh-hant", "zh-hans"):
        return to_mainland
    if pair == ("zh-hans", "zh-hant"):
        return converter("s2t").convert
    return None


class OpenCCTranslator(BaseMachineTranslator):
    display_name = _("OpenCC (Traditional ↔ Simplified Chinese)")

    def translate(self, source_locale, target_locale, strings):
        convert = conversion(source_locale.language_code, target_locale.language_code)
        # Tags and attributes are ASCII, which OpenCC leaves alone, so the HTML survives conversion.
        return {string: StringValue(convert(string.data)) for string in strings}

    def can_translate(self, source_locale, target_locale):
        return conversion(source_locale.language_code, target_locale.language_code) is not None
