"""Derive the zh-Hans message catalogue from the zh-Hant one, so translators write Chinese once.

Run after `makemessages`: every zh-Hant translation is converted into zh-Hans in the mainland's words
(OpenCC's phrase-level tw2sp with the hand-kept exceptions of portal/translation.py), unless the
zh-Hans entry was edited by hand (it carries a `# manual` translator comment).
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from portal.translation import to_mainland


class Command(BaseCommand):
    help = "Fill locale/zh_Hans from locale/zh_Hant with OpenCC; report what zh-Hant still lacks."

    def handle(self, *args, **options):
        convert = to_mainland
        locale_dir = Path(settings.LOCALE_PATHS[0])
        for domain in ("django", "djangojs"):
            hant_path = locale_dir / "zh_Hant" / "LC_MESSAGES" / f"{domain}.po"
            hans_path = locale_dir / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
            if not hant_path.exists() or not hans_path.exists():
                continue
            hant = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(hant_path))}
            hans = polib.pofile(str(hans_path))
            filled = 0
            for entry in hans:
                if "manual" in (entry.tcomment or ""):
                    continue
                source = hant.get((entry.msgctxt, entry.msgid))
                if source is None or source.obsolete:
                    continue
                if entry.msgid_plural:
                    entry.msgstr_plural = {k: convert(v) for k, v in source.msgstr_plural.items()}
                else:
                    entry.msgstr = convert(source.msgstr)
                if "fuzzy" in entry.flags and "fuzzy" not in source.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
            hans.save()
            missing = [e.msgid for e in hant.values() if not e.translated() and not e.obsolete]
            self.stdout.write(
                f"{domain}: {filled} zh-Hans entries from zh-Hant; zh-Hant lacks {len(missing)}"
            )
            for msgid in missing:
                self.stdout.write(f"  missing: {msgid}")
