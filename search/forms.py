from django import forms
from django.utils.translation import gettext_lazy as _

from casework.forms import CaseFilterForm


class CaseSearchForm(CaseFilterForm):
    """The case list's filters, with a full-text query and a choice of order."""

    q = forms.CharField(
        label=_("Words, place, reference or citizen"),
        required=False,
        max_length=200,
        help_text=_("Traditional or Simplified Chinese, English; every word must occur."),
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("relevance", _("Best match first")), ("date", _("Newest first"))],
        required=False,
    )
    field_order = ["q", "sort"]
