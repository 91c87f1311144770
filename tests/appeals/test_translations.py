"""Every message the project shows has its zh-Hant, zh-Hans and en translation."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans", "en"])
def test_catalogue_exists_and_is_complete(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 0
    if language != "en":
        missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
        assert missing == []


def test_chinese_scripts_differ_where_they_should():
    hant = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"))}
    hans = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    assert hant["Public Appeals Office"] == "民意訴求服務中心"
    assert hans["Public Appeals Office"] == "民意诉求服务中心"
