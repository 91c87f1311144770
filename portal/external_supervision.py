"""Two portal pages of external supervision (reception measures §六(二)): the suggestion box about
the reception service itself, and the published rectification of the supervision group's findings.

The suggestion box files through reception's service; its answers never pass through the page cache.
The inspections page shows only what staff marked for publication, without personal data.
"""

from django import forms
from django.db import models
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from . import ratelimit
from .appeals import no_store
from .cache import CachedPageMixin
from .captcha import PortalCaptchaField, unchecked, wants_new_picture

THANKS_KEY = "suggestion_left"


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your suggestion about our reception service"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For an appeal about your own matter, please use the appeal form instead."),
        error_messages={"required": _("Write your suggestion.")},
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("E-mail or telephone, if you would like an answer (optional)"), max_length=200, required=False
    )
    # A field people never see: bots fill it in, and their suggestion is quietly dropped.
    website = forms.CharField(required=False, widget=forms.HiddenInput)
    captcha = PortalCaptchaField()

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError(
                _("Please write a little more, so that we understand your suggestion.")
            )
        return text


class SuggestionBoxPage(RoutablePageMixin, Page):
    intro = models.TextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("suggestion box page")

    @path("")
    def form_route(self, request):
        return suggestion_view(request, self)

    @path("thanks/", name="thanks")
    def thanks_route(self, request):
        left = request.session.pop(THANKS_KEY, False)
        return no_store(
            render(request, "portal/suggestion_box_thanks.html", {"page": self, "self": self, "left": left})
        )


def suggestion_view(request, page):
    from reception import suggestions

    if request.method == "POST" and ratelimit.over_limit(
        request, "suggestion", "SUGGESTION_SUBMISSIONS_PER_HOUR"
    ):
        return ratelimit.too_many(request, 3600)
    if wants_new_picture(request):
        form = unchecked(SuggestionForm(request.POST))
    elif request.method == "POST":
        form = SuggestionForm(request.POST)
        if form.is_valid():
            ratelimit.count_accepted(request, "suggestion")
            if not form.cleaned_data["website"]:
                suggestions.file_suggestion(
                    form.cleaned_data["text"],
                    form.cleaned_data["contact_name"],
                    form.cleaned_data["contact"],
                    translation.get_language(),
                )
            request.session[THANKS_KEY] = True
            return redirect(page.url + "thanks/")
    else:
        form = SuggestionForm()
    return no_store(
        render(request, "portal/suggestion_box_page.html", {"page": page, "self": page, "form": form})
    )


class InspectionReportsPage(CachedPageMixin, Page):
    """The published summaries of the supervision group's inspections: what was found, what was put
    right and when. Nothing here names a citizen; inspectors only when marked public."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage", "portal.DisclosureIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("inspection rectification page")

    def get_context(self, request, *args, **kwargs):
        from reception import publication

        context = super().get_context(request, *args, **kwargs)
        summaries = []
        for inspection in publication.published_inspections():
            summaries.append(
                {
                    "date": inspection.date,
                    "title": publication.public_text(inspection.title),
                    "summary": publication.public_text(inspection.public_summary),
                    "inspectors": publication.public_inspectors(inspection),
                    "findings": [
                        {
                            "description": publication.public_text(finding.description),
                            "rectification": publication.public_text(finding.rectification_required),
                            "action_taken": publication.public_text(finding.action_taken),
                            "department": finding.department.name,
                            "deadline": finding.deadline,
                            "rectified_on": finding.rectified_on,
                            "verified_on": finding.verified_on,
                        }
                        for finding in inspection.findings.all()
                    ],
                }
            )
        context["summaries"] = summaries
        return context
