"""Demo pages: the portal in zh-Hant with its zh-Hans and en translations. Re-running changes nothing."""

import re

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape, strip_tags
from wagtail.models import Collection, Page, Site

from casework import roles
from portal.localization import ensure_locales, sync_translation
from portal.models import (
    AppealFormPage,
    FAQIndexPage,
    HomePage,
    NoticeIndexPage,
    NoticePage,
    PolicyPage,
    PortalSettings,
    ProcedurePage,
    ReceptionException,
    ReceptionHours,
    ReceptionPage,
    StandardPage,
    TrackingPage,
)
from portal.policies import parse
from portal.site_address import PLACEHOLDER, public_address
from portal.translation import to_mainland

from . import site_content as content

HOME_TITLE = "民意訴求服務中心"
HOME_INTRO = (
    "<p>歡迎使用民意訴求服務平臺。您可以在此查閱接待時間、辦理程序與常見問題，並於網上提出及查詢訴求。</p>"
)

ENGLISH = {
    HOME_TITLE: "Public Appeals Office",
    "歡迎使用民意訴求服務平臺。您可以在此查閱接待時間、辦理程序與常見問題，並於網上提出及查詢訴求。": (
        "Welcome to the public appeals portal. Here you can read our reception hours, procedures "
        "and answers to common questions, and file and track an appeal online."
    ),
}


def _key(text):
    return re.sub(r"\s+", "", strip_tags(text))


def english(text):
    """The English for a zh-Hant segment; segments with markup are matched on their plain text."""
    if text in ENGLISH:
        return ENGLISH[text]
    return _ENGLISH_BY_KEY.get(_key(text), text)


_ENGLISH_BY_KEY = {}


def learn(zh, en):
    """Record a zh-Hant → en pair; rich text is learnt block by block, as wagtail-localize segments it."""
    zh_blocks = re.findall(r"<(p|li)>(.*?)</\1>", zh)
    en_blocks = re.findall(r"<(p|li)>(.*?)</\1>", en)
    if zh_blocks and len(zh_blocks) == len(en_blocks):
        for (_t, z), (_u, e) in zip(zh_blocks, en_blocks, strict=True):
            _ENGLISH_BY_KEY[_key(z)] = e
    else:
        ENGLISH[zh] = en
        _ENGLISH_BY_KEY[_key(zh)] = en


def ensure_tree_roots(locale):
    """Wagtail's migrations create the page and collection roots; a flushed database lacks them."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(
                title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page), locale=locale
            )
        )
    return root


def load_home(stdout=None):
    locales = ensure_locales()
    root = ensure_tree_roots(locales["zh-hant"])
    home = HomePage.objects.filter(locale=locales["zh-hant"]).first()
    if home is None:
        # Wagtail's own placeholder ("Welcome to your new Wagtail site!") makes way for the portal;
        # deleting it also deletes the Site pointing at it, which is recreated below.
        for placeholder in root.get_children().exact_type(Page):
            if not placeholder.get_children().exists():
                placeholder.delete()
        home = root.add_child(
            instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO, locale=locales["zh-hant"])
        )
        home.save_revision().publish()

    hostname, port = public_address()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=HOME_TITLE
        )
    # The feed, the sitemap and robots.txt build their links from the Site; Wagtail's placeholder
    # (localhost, port 80) would send readers of the feed to http://localhost/.
    wanted = {"root_page_id": home.pk}
    if (site.hostname, site.port) == PLACEHOLDER:
        wanted.update(hostname=hostname, port=port)
    if any(getattr(site, field) != value for field, value in wanted.items()):
        for field, value in wanted.items():
            setattr(site, field, value)
        site.save()

    translate_into(home, locales, english)
    # Editors review and publish the zh-Hans and English trees too, not only the zh-Hant source.
    for translated_home in home.get_translations():
        roles.ensure_role_groups(root_page=translated_home)
    load_portal(home, site, locales)
    return home


def translate_into(page, locales, english_for):
    """Give a zh-Hant demo page its zh-Hans and en translations, once: re-running changes nothing."""
    for code, translate_text in (("zh-hans", to_mainland), ("en", english_for)):
        if page.get_translation_or_none(locales[code]) is None:
            sync_translation(page, locales[code], translate_text)


def add_page(parent, model, slug, locales, **fields):
    """Create, publish and translate a zh-Hant page under ``parent`` unless it exists already."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = parent.add_child(instance=model(slug=slug, locale=locales["zh-hant"], **fields))
    page.save_revision().publish()
    translate_into(page, locales, english)
    return page


def _pair(zh_en):
    zh, en = zh_en
    learn(zh, en)
    return zh


def load_portal(home, site, locales):
    load_settings(site)
    reception = load_reception(home, locales)
    procedure = load_procedure(home, locales)
    faq = load_faq(home, locales)
    notices = load_notices(home, locales)
    rules = load_policies(home, locales)
    appeal, tracking = load_appeal_pages(home, locales)
    return [reception, procedure, faq, notices, rules, appeal, tracking]


APPEAL_PAGE = {
    "title": ("網上提出訴求", "File an appeal online"),
    "intro": (
        "請填寫以下表格提出您的投訴、建議、咨詢或求助。提交後您會收到編號及查詢碼，用以查詢處理進度。",
        "Fill in this form to make a complaint, a suggestion, an inquiry or a request for help. "
        "You will receive a reference and an access code to follow your case.",
    ),
    "privacy_notice": (
        "<p>您提供的個人資料只用於處理本訴求，並予保密，不會公開。只有處理本訴求所需的工作人員可以查閱。</p>",
        "<p>The personal data you give is used only to handle this appeal and is kept confidential; "
        "it is never published. Only the staff who need it to handle the appeal can see it.</p>",
    ),
}
TRACKING_PAGE = {
    "title": ("查詢訴求進度", "Track your case"),
    "intro": (
        "請輸入訴求編號及查詢碼，查看處理狀態、答復及處理記錄。",
        "Enter your case reference and access code to see its status, our reply and its timeline.",
    ),
}


def load_appeal_pages(home, locales):
    a, t = APPEAL_PAGE, TRACKING_PAGE
    appeal = AppealFormPage(
        title=_pair(a["title"]), intro=_pair(a["intro"]), privacy_notice=_pair(a["privacy_notice"])
    )
    appeal = _add_built(home, appeal, "appeal", locales)
    tracking = TrackingPage(title=_pair(t["title"]), intro=_pair(t["intro"]))
    tracking = _add_built(home, tracking, "track", locales)
    return appeal, tracking


def load_settings(site):
    settings = PortalSettings.for_site(site)
    if not settings.hotline:
        for field, value in content.SETTINGS.items():
            setattr(settings, field, value)
        settings.save()


def load_reception(home, locales):
    c = content.RECEPTION
    page = ReceptionPage(
        title=_pair(c["title"]),
        intro=_pair(c["intro"]),
        office=_pair(c["office"]),
        address=_pair(c["address"]),
        map_url=c["map_url"],
        hotline=c["hotline"],
        email=c["email"],
        postal_address=_pair(c["postal_address"]),
        walk_in_window=_pair(c["walk_in_window"]),
        online_form_note=_pair(c["online_form_note"]),
        what_to_bring=_pair(c["what_to_bring"]),
        show_in_menus=True,
        show_leadership_schedule=True,
    )
    page.hours = [ReceptionHours(weekday=d, opens=o, closes=cl) for d, o, cl in sorted(c["hours"])]
    page.exceptions = [
        ReceptionException(date=d, kind=k, opens=o, closes=cl) for d, k, o, cl in c["exceptions"]
    ]
    return _add_built(home, page, c["slug"], locales)


def _add_built(parent, page, slug, locales):
    existing = type(page).objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page.slug = slug
    page.locale = locales["zh-hant"]
    parent.add_child(instance=page)
    page.save_revision().publish()
    translate_into(page, locales, english)
    return page


def load_procedure(home, locales):
    c = content.PROCEDURE
    steps = []
    for title_zh, title_en, limit_zh, limit_en, text_zh, text_en in c["steps"]:
        learn(title_zh, title_en)
        learn(limit_zh, limit_en)
        learn(f"<p>{text_zh}</p>", f"<p>{text_en}</p>")
        steps.append(
            ("step", {"title": title_zh, "time_limit": limit_zh, "description": f"<p>{text_zh}</p>"})
        )
    page = ProcedurePage(title=_pair(c["title"]), intro=_pair(c["intro"]), steps=steps, show_in_menus=True)
    return _add_built(home, page, c["slug"], locales)


def load_faq(home, locales):
    c = content.FAQ
    categories = []
    for (name_zh, name_en), questions in c["categories"]:
        learn(name_zh, name_en)
        items = []
        for q_zh, q_en, a_zh, a_en in questions:
            learn(q_zh, q_en)
            learn(f"<p>{escape(a_zh)}</p>", f"<p>{escape(a_en)}</p>")
            items.append(
                {
                    "question": q_zh,
                    "reception_hours": q_zh in c["hours_questions"],
                    "answer": f"<p>{escape(a_zh)}</p>",
                }
            )
        categories.append(("category", {"name": name_zh, "questions": items}))
    page = FAQIndexPage(
        title=_pair(c["title"]), intro=_pair(c["intro"]), categories=categories, show_in_menus=True
    )
    return _add_built(home, page, c["slug"], locales)


def load_notices(home, locales):
    c = content.NOTICES_INDEX
    index = _add_built(
        home,
        NoticeIndexPage(title=_pair(c["title"]), intro=_pair(c["intro"]), show_in_menus=True),
        c["slug"],
        locales,
    )
    for notice in content.NOTICES:
        page = NoticePage(
            title=_pair(notice["title"]),
            date=notice["date"],
            summary=_pair(notice["summary"]),
            body=_pair(notice["body"]),
        )
        _add_built(index, page, notice["slug"], locales)
    return index


def load_policies(home, locales):
    c = content.RULES_INDEX
    rules = _add_built(
        home,
        StandardPage(title=_pair(c["title"]), intro=_pair(c["intro"]), show_in_menus=True),
        c["slug"],
        locales,
    )
    for policy in content.POLICIES:
        outline = [(h2[0], [sub[0] for sub in subs]) for h2, subs in policy["outline"]]
        sections = parse(policy["file"], outline)
        summaries = {}
        for (h2_zh, h2_en), subs in policy["outline"]:
            learn(h2_zh, h2_en)
            for h3_zh, h3_en, summary in subs:
                learn(h3_zh, h3_en)
                summaries[(h2_zh, h3_zh)] = summary
        body = []
        for h2, children in sections:
            body.append(("heading", {"text": h2, "level": "h2"}))
            for h3, lines in children:
                body.append(("heading", {"text": h3, "level": "h3"}))
                paragraph = "<br/>".join(escape(line) for line in lines)
                learn(f"<p>{paragraph}</p>", f"<p>{escape(summaries[(h2, h3)])}</p>")
                body.append(("paragraph", f"<p>{paragraph}</p>"))
        page = PolicyPage(title=_pair(policy["title"]), intro=_pair(policy["intro"]), body=body)
        _add_built(rules, page, policy["slug"], locales)
    return rules
