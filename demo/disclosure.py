"""Demo disclosure reports: an index under each language's home and last quarter's report, published."""

from datetime import date, timedelta

from django.utils import timezone

from portal.disclosure import DisclosureIndexPage, DisclosureReportPage
from portal.localization import ensure_locales

from .site import english, learn, translate_into

INDEX = {
    "title": ("統計與公開報告", "Statistics and disclosure reports"),
    "intro": (
        "本中心定期公開民意訴求的件數、類別、管道、辦理結果及滿意度等統計數據。數據只含總數，不含任何個人資料。",
        "We regularly publish how many appeals we received, of which types and through which channels, "
        "their outcomes and citizens' satisfaction. The figures are totals only and contain no personal data.",
    ),
}


def last_quarter(today):
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end


def load_disclosure(home):
    """Index and last quarter's report, translated; re-running adds nothing for the same quarter."""
    locales = ensure_locales()
    for zh, en in INDEX.values():
        learn(zh, en)
    index = DisclosureIndexPage.objects.child_of(home).filter(slug="disclosure").first()
    if index is None:
        index = home.add_child(
            instance=DisclosureIndexPage(
                title=INDEX["title"][0],
                intro=INDEX["intro"][0],
                slug="disclosure",
                show_in_menus=True,
                locale=locales["zh-hant"],
            )
        )
        index.save_revision().publish()
        translate_into(index, locales, english)
    start, end = last_quarter(timezone.localdate())
    quarter = (start.month - 1) // 3 + 1
    slug = f"{start.year}-q{quarter}"
    report = DisclosureReportPage.objects.child_of(index).filter(slug=slug).first()
    if report is None:
        title = f"{start.year}年第{quarter}季民意訴求統計報告"
        summary = f"{start:%Y-%m-%d}至{end:%Y-%m-%d}收到的民意訴求統計。"
        learn(title, f"Appeals statistics, {start.year} Q{quarter}")
        learn(summary, f"Statistics of the appeals received from {start:%Y-%m-%d} to {end:%Y-%m-%d}.")
        report = index.add_child(
            instance=DisclosureReportPage(
                title=title,
                summary=summary,
                slug=slug,
                period_start=start,
                period_end=end,
                locale=locales["zh-hant"],
            )
        )
        report.save_revision().publish()
        translate_into(report, locales, english)
    return index, report
