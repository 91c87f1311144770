"""Fill the gaps in the admin's third-party catalogues (locale/vendor), so staff see no English screens.

wagtail-localize ships a nearly complete Simplified Chinese catalogue but only a handful of
Traditional entries, so its "Sync translated pages" and translation editor screens read in English
in the zh-Hant admin; Wagtail's own apps lack a few hundred Traditional entries too ("Help", the
editor guide, image and user screens). This command converts the package's zh-Hans entries with OpenCC (s2twp, Taiwan
wording) for every message its zh-Hant catalogue lacks, adds the few messages no catalogue of the
package translates, and writes locale/vendor. Run it after upgrading wagtail-localize; review and
commit the result.
"""

from pathlib import Path

import polib
import wagtail
import wagtail_localize
from django.conf import settings
from django.core.management.base import BaseCommand

from portal.translation import converter


def package_locale_dirs():
    """Each catalogue directory of wagtail-localize and of Wagtail's own apps (admin, images, users…)."""
    dirs = {"wagtail_localize": Path(wagtail_localize.__file__).parent / "locale"}
    root = Path(wagtail.__file__).parent
    for hans in sorted(root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        locale_dir = hans.parents[2]
        dirs[".".join(("wagtail", *locale_dir.parent.relative_to(root).parts))] = locale_dir
    return dirs


# In zh-Hant, by hand: messages no catalogue translates yet (wagtail-localize 1.14, Wagtail 8.0), and
# a few whose conversion reads wrong in Taiwan (a menu's "Help" is 說明). zh-Hans is converted from
# these.
HAND_TRANSLATED = {
    "Wagtail %(current_version)s editor guide": "Wagtail %(current_version)s 編輯指南",
    "Help": "說明",
    "Apply the updates and publish immediately. The changes will use the original language until "
    'translated unless you also select "Use machine translation".': "套用更新並立即發布。除非同時勾選「使用機器翻譯」，"
    "變更的內容在翻譯之前會以原文顯示。",
    "Apply the updates and publish immediately. The changes will use the original language until "
    "translated.": "套用更新並立即發布。變更的內容在翻譯之前會以原文顯示。",
    "Use machine translation": "使用機器翻譯",
    "Apply machine translations to the incoming changes.": "以機器翻譯處理新增的變更。",
    "Are you sure you want to convert this page into an alias? This will overwrite the content of the "
    "page with the content of '%(source_page_title)s' (%(source_page_locale)s)": "確定要將此頁面轉為別名嗎？"
    "頁面內容將被「%(source_page_title)s」（%(source_page_locale)s）的內容覆蓋。",
    "Page '{}' has been converted into an alias.": "頁面「{}」已轉為別名。",
    "Converted page '%(title)s' to an alias of the translation source page '%(source_title)s'": "已將頁面"
    "「%(title)s」轉為翻譯來源頁面「%(source_title)s」的別名",
    "Converted page to an alias of the translation source page": "已將頁面轉為翻譯來源頁面的別名",
}


def vendor_locale_dir():
    return Path(settings.BASE_DIR) / "locale" / "vendor"


def new_catalogue(language):
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    return catalogue


def entry(package, source, msgstr=None, msgstr_plural=None):
    converted = polib.POEntry(
        msgctxt=source.msgctxt,
        msgid=source.msgid,
        msgid_plural=source.msgid_plural,
        occurrences=[(package, "")],
    )
    if source.msgid_plural:
        converted.msgstr_plural = msgstr_plural
    else:
        converted.msgstr = msgstr
    return converted


class Command(BaseCommand):
    help = "Write locale/vendor from third-party catalogues the packages leave untranslated in Chinese."

    def handle(self, *args, **options):
        to_hant, to_hans = converter("s2twp").convert, converter("t2s").convert
        hant_out, hans_out = new_catalogue("zh_Hant"), new_catalogue("zh_Hans")
        # Django merges every app's catalogue into one per language: a message one app translates
        # needs nothing here, whichever app's catalogue lacks it.
        packages = package_locale_dirs()
        present = set()
        for locale_dir in packages.values():
            hant_path = locale_dir / "zh_Hant" / "LC_MESSAGES" / "django.po"
            if hant_path.exists():
                present |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(hant_path)) if e.translated()}
        seen = {(None, msgid) for msgid in HAND_TRANSLATED}
        hans_present = set()
        for package, locale_dir in packages.items():
            hans = polib.pofile(str(locale_dir / "zh_Hans" / "LC_MESSAGES" / "django.po"))
            hans_present |= {(e.msgctxt, e.msgid) for e in hans if e.translated()}
            for source in hans:
                key = (source.msgctxt, source.msgid)
                if source.obsolete or not source.translated() or key in present or key in seen:
                    continue
                seen.add(key)
                plural = {k: to_hant(v) for k, v in source.msgstr_plural.items()}
                hant_out.append(entry(package, source, to_hant(source.msgstr), plural))
        for msgid, text in HAND_TRANSLATED.items():
            source = polib.POEntry(msgid=msgid)
            hant_out.append(entry("wagtail", source, text))
            if (None, msgid) not in hans_present:
                hans_out.append(entry("wagtail", source, to_hans(text)))
        for language, catalogue in (("zh_Hant", hant_out), ("zh_Hans", hans_out)):
            path = vendor_locale_dir() / language / "LC_MESSAGES" / "django.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue.save(str(path))
            self.stdout.write(f"{language}: {len(catalogue)} entries")
