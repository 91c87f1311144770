"""The citizen's side of external supervision: the questionnaire opened from the link in the message
sent after closure (no account; answered once), and the forms behind the suggestion box page."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.appeals import no_store

from . import inspections


class QuestionnaireForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything else you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Please do not include personal details such as your name or telephone number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for name, label in inspections.QUESTIONS:
            fields[name] = forms.TypedChoiceField(
                label=label,
                choices=inspections.RATINGS,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("Choose one of the answers shown."),
                },
            )
        fields["comment"] = self.fields["comment"]
        self.fields = fields


def _languages(token):
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            links.append(
                {"code": code, "name": name, "url": reverse("reception_questionnaire", args=[token])}
            )
    return links


@require_http_methods(["GET", "POST"])
def questionnaire_view(request, token):
    context = {"languages": _languages(token), "title": _("How did we do?")}
    try:
        questionnaire = inspections.questionnaire_for_token(token)
    except inspections.TokenError as error:
        context["problem"] = str(error)
        return no_store(render(request, "reception/questionnaire.html", context, status=error.status))
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ratings = {name: form.cleaned_data[name] for name, _label in inspections.QUESTIONS}
        try:
            inspections.answer_questionnaire(token, ratings, form.cleaned_data["comment"])
        except inspections.TokenError as error:
            context["problem"] = str(error)
        else:
            context["thanks"] = True
        return no_store(render(request, "reception/questionnaire.html", context))
    context.update(form=form, reference=questionnaire.case.reference)
    return no_store(render(request, "reception/questionnaire.html", context))
