import json

from django.apps import apps
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from . import hours, placeholders
from .blocks import BodyBlock, FAQCategoryBlock, StepBlock
from .cache import CachedPageMixin
from .disclosure import DisclosureIndexPage, DisclosureReportPage  # noqa: F401  (page types of this app)
from .external_supervision import InspectionReportsPage, SuggestionBoxPage  # noqa: F401  (page types)

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class HomePage(CachedPageMixin, Page):
    """The portal's front page: the root of each language's page tree."""

    intro = RichTextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_cache_timeout(self):
        # The home page repeats the reception's "open now" line, so it expires when that line changes.
        timeouts = [super().get_cache_timeout()]
        for reception in ReceptionPage.objects.child_of(self).live():
            timeouts.append(reception.get_cache_timeout())
        return min(timeouts)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_notices"] = (
            NoticePage.objects.live().public().filter(locale=self.locale).order_by("-date", "-pk")[:3]
        )
        children = Page.objects.child_of(self).live().public().specific()
        context["reception_page"] = next((p for p in children if isinstance(p, ReceptionPage)), None)
        context["faq_page"] = next((p for p in children if isinstance(p, FAQIndexPage)), None)
        context["procedure_page"] = next((p for p in children if isinstance(p, ProcedurePage)), None)
        return context


class StandardPage(CachedPageMixin, Page):
    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class ReceptionPage(CachedPageMixin, Page):
    """Where and when the office receives citizens, and every other way to reach it."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    office = models.CharField(_("office"), max_length=200)
    address = models.TextField(_("address"))
    map_url = models.URLField(_("map link"), blank=True)
    hotline = models.CharField(_("hotline"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    walk_in_window = models.CharField(_("walk-in window"), max_length=200, blank=True)
    online_form_note = models.CharField(_("online form"), max_length=255, blank=True)
    what_to_bring = RichTextField(_("what to bring"), blank=True, features=["bold", "ul", "ol", "link"])
    show_leadership_schedule = models.BooleanField(
        _("show the leadership reception schedule"),
        default=False,
        help_text=_(
            "Lists the published leadership reception days of the duty roster; a leader's name and "
            "title appear only where the roster marks them public."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("office"),
                FieldPanel("address"),
                FieldPanel("map_url"),
                FieldPanel("walk_in_window"),
            ],
            heading=_("Office"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("hotline"),
                FieldPanel("email"),
                FieldPanel("postal_address"),
                FieldPanel("online_form_note"),
            ],
            heading=_("Channels"),
        ),
        InlinePanel("hours", heading=_("Weekly hours"), label=_("Opening period")),
        InlinePanel("exceptions", heading=_("Holidays and closures"), label=_("Exception")),
        FieldPanel("what_to_bring"),
        FieldPanel("show_leadership_schedule"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("office"),
        index.SearchField("address"),
        index.SearchField("what_to_bring"),
    ]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("reception page")

    def weekly_periods(self):
        return [hours.Period(h.weekday, h.opens, h.closes) for h in self.hours.all()]

    def dated_exceptions(self):
        return [hours.Exception_(e.date, e.closed, e.opens, e.closes) for e in self.exceptions.all()]

    def open_state(self, now=None):
        now = timezone.localtime(now)
        return hours.open_state(now, self.weekly_periods(), self.dated_exceptions())

    @classmethod
    def hours_source(cls):
        """The live reception page whose hours every language shows: the one in the default
        language, where editors keep them (translations copy them only when synced)."""
        live = cls.objects.live().prefetch_related("hours")
        default = Locale.get_default()
        return live.filter(locale=default).first() or live.order_by("pk").first()

    def hours_text(self):
        """The weekly hours in one line, in the active language."""
        return hours.describe_week(self.weekly_periods(), dict(WEEKDAYS))

    def weekly_table(self):
        rows = []
        for number, name in WEEKDAYS:
            periods = [h for h in self.hours.all() if h.weekday == number]
            rows.append({"weekday": name, "periods": sorted(periods, key=lambda h: h.opens)})
        return rows

    def upcoming_exceptions(self):
        today = timezone.localdate()
        return [e for e in self.exceptions.all() if e.date >= today]

    def get_cache_timeout(self):
        now = timezone.localtime()
        until_change = hours.seconds_until_change(now, self.open_state(now))
        return min(super().get_cache_timeout(), until_change or super().get_cache_timeout())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["state"] = self.open_state()
        context["time_zone"] = settings.TIME_ZONE
        # Publishing or unpublishing any page starts a new page-cache generation: the link never goes stale.
        # The booking page is the reception app's page type, found by name: the portal does not
        # depend on the app that books visits.
        booking = apps.get_model("reception", "AppointmentPage")
        context["booking_page"] = booking.objects.live().public().filter(locale=self.locale).first()
        return context


class ReceptionHours(Orderable):
    page = ParentalKey(ReceptionPage, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta(Orderable.Meta):
        verbose_name = _("opening period")


class ReceptionException(Orderable):
    KINDS = [
        ("holiday", _("Public holiday: closed")),
        ("closed", _("Closed")),
        ("special", _("Special hours")),
    ]

    page = ParentalKey(ReceptionPage, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS, default="holiday")
    opens = models.TimeField(_("opens"), null=True, blank=True, help_text=_("Only for special hours"))
    closes = models.TimeField(_("closes"), null=True, blank=True, help_text=_("Only for special hours"))

    panels = [FieldPanel("date"), FieldPanel("kind"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta(Orderable.Meta):
        verbose_name = _("dated exception")

    @property
    def closed(self):
        return self.kind != "special" or self.opens is None or self.closes is None


class ProcedurePage(CachedPageMixin, RoutablePageMixin, Page):
    """How an appeal is handled, step by step, with the printable registration forms."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("further information"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("steps"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("steps")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("procedure page")

    @path("")
    def index_route(self, request):
        return self.render(request)

    @path("forms/visit/", name="visit_form")
    def visit_form(self, request):
        return render(request, "portal/print_visit_form.html", {"page": self, "self": self})

    @path("forms/complaint/", name="complaint_form")
    def complaint_form(self, request):
        return render(request, "portal/print_complaint_form.html", {"page": self, "self": self})


class FAQIndexPage(CachedPageMixin, Page):
    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    categories = StreamField([("category", FAQCategoryBlock())], blank=True, verbose_name=_("categories"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("categories")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("categories")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("FAQ page")

    def questions(self):
        for category in self.categories:
            yield from category.value["questions"]

    def answer_text(self, question, hours_line):
        text = placeholders.fill(strip_tags(question["answer"].source).strip())
        if question.get("reception_hours") and hours_line:
            text = f"{hours_line} {text}".strip()
        return text

    def json_ld(self):
        source = ReceptionPage.hours_source()
        hours_line = source.hours_text() if source else ""
        data = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": q["question"],
                    "acceptedAnswer": {"@type": "Answer", "text": self.answer_text(q, hours_line)},
                }
                for q in self.questions()
            ],
        }
        # Inside <script> only "<" can end the element early; escape it so no answer can break out.
        return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


class NoticeIndexPage(CachedPageMixin, RoutablePageMixin, Page):
    intro = models.TextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NoticePage"]
    per_page = 10

    class Meta:
        verbose_name = _("notice index")

    def notices(self):
        return NoticePage.objects.child_of(self).live().public().order_by("-date", "-pk")

    @path("")
    def index_route(self, request):
        paginator = Paginator(self.notices(), self.per_page)
        try:
            notices = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            notices = paginator.page(1)
        return self.render(request, context_overrides={"notices": notices})

    @path("feed/", name="feed")
    def feed(self, request):
        feed = Rss201rev2Feed(
            title=self.title,
            link=self.get_full_url(request),
            description=self.intro or self.title,
            language=self.locale.language_code,
            feed_url=self.get_full_url(request) + "feed/",
        )
        for notice in self.notices()[:20]:
            feed.add_item(
                title=notice.title,
                link=notice.get_full_url(request),
                description=notice.summary or strip_tags(notice.body)[:200],
                pubdate=timezone.make_aware(
                    timezone.datetime.combine(notice.date, timezone.datetime.min.time())
                ),
                unique_id=notice.get_full_url(request),
            )
        response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
        feed.write(response, "utf-8")
        return response


class NoticePage(CachedPageMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    body = RichTextField(_("body"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["portal.NoticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("notice")


class PolicyPage(CachedPageMixin, Page):
    """A long rule document; its table of contents is built from its headings."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    body = StreamField(BodyBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy page")

    def sections(self):
        """The body as (block, anchor) pairs plus a nested table of contents.

        Anchors are numbered, not slugged from the text, so they are the same in every language."""
        blocks, toc = [], []
        h2 = h3 = 0
        for block in self.body:
            anchor = None
            if block.block_type == "heading":
                if block.value["level"] == "h2" or not toc:
                    h2, h3 = h2 + 1, 0
                    anchor = f"section-{h2}"
                    toc.append({"text": block.value["text"], "anchor": anchor, "children": []})
                else:
                    h3 += 1
                    anchor = f"section-{h2}-{h3}"
                    toc[-1]["children"].append({"text": block.value["text"], "anchor": anchor})
            blocks.append((block, anchor))
        return blocks, toc

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blocks"], context["toc"] = self.sections()
        return context


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """Contacts and footer shown on every public page. Site settings are not translated by
    wagtail-localize, so the one free-text field has a version per language."""

    hotline = models.CharField(_("hotline"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    footer_zh_hant = models.TextField(_("footer (Traditional Chinese)"), blank=True)
    footer_zh_hans = models.TextField(_("footer (Simplified Chinese)"), blank=True)
    footer_en = models.TextField(_("footer (English)"), blank=True)
    weibo_url = models.URLField(_("Weibo"), blank=True)
    wechat_url = models.URLField(_("WeChat"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("hotline"), FieldPanel("email")], heading=_("Office contacts")),
        MultiFieldPanel(
            [FieldPanel("footer_zh_hant"), FieldPanel("footer_zh_hans"), FieldPanel("footer_en")],
            heading=_("Footer"),
        ),
        MultiFieldPanel(
            [FieldPanel("weibo_url"), FieldPanel("wechat_url"), FieldPanel("facebook_url")],
            heading=_("Social links"),
        ),
    ]

    class Meta:
        verbose_name = _("portal settings")

    def footer_for(self, language_code):
        field = "footer_" + (language_code or "").lower().replace("-", "_")
        return getattr(self, field, "") or self.footer_zh_hant

    def social_links(self):
        return [
            (label, url)
            for label, url in (
                ("Weibo", self.weibo_url),
                ("WeChat", self.wechat_url),
                ("Facebook", self.facebook_url),
            )
            if url
        ]


class AppealFormPage(RoutablePageMixin, Page):
    """The online appeal form (editors place it; its answers never pass through the page cache)."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    privacy_notice = RichTextField(verbose_name=_("privacy notice"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("privacy_notice")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("appeal form page")

    @path("")
    def form_route(self, request):
        from .appeals import appeal_form_view

        return appeal_form_view(request, self)

    @path("receipt/", name="receipt")
    def receipt_route(self, request):
        from .appeals import receipt_view

        return receipt_view(request, self)


class TrackingPage(RoutablePageMixin, Page):
    """Where a citizen follows a case with its reference and access code, asks for a new code,
    and downloads the files they sent (only in the session that opened the case)."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("case tracking page")

    @path("")
    def tracking_route(self, request):
        from .appeals import tracking_view

        return tracking_view(request, self)

    @path("new-code/", name="new_code")
    def new_code_route(self, request):
        from .appeals import new_code_view

        return new_code_view(request, self)

    @path("files/<int:attachment_pk>/", name="attachment")
    def attachment_route(self, request, attachment_pk):
        from .appeals import attachment_view

        return attachment_view(request, self, attachment_pk)
