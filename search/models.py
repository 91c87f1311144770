from django.db import models
from django.utils.translation import gettext_lazy as _


class PageSearchEntry(models.Model):
    """One published portal page as the page search sees it: its normalised terms and plain text.

    Wagtail's database backend does not segment Chinese, so the portal keeps its own entries,
    built with appeals.text and refreshed whenever a page is published or unpublished.
    """

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="search_entry", verbose_name=_("page")
    )
    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.CASCADE, verbose_name=_("locale"))
    # Terms framed by spaces (" 投诉 噪音 "), so that a contains-match on " term " finds whole terms.
    title_terms = models.TextField(_("title terms"), blank=True)
    terms = models.TextField(_("terms"), blank=True)
    # The page's readable text, for the excerpt shown under each result.
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("page search entry")
        verbose_name_plural = _("page search entries")

    def __str__(self):
        return str(self.page)


class CaseSearchEntry(models.Model):
    """One case as the staff case search sees it: its normalised terms, personal data kept apart.

    The terms come from appeals.text, framed by spaces (" 投诉 噪音 "). Personal data (name, phone,
    address…) goes into ``personal_terms`` only, which a query reads only for roles allowed to see it,
    and only as keyed hashes of its terms (crypto.term_hash): the index must not undo its encryption.
    On PostgreSQL a GIN index over the terms as a tsvector makes a query an index lookup rather than
    a table scan (see migration 0002); SQLite reads the columns with LIKE.
    """

    case = models.OneToOneField(
        "casework.Case",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("case"),
    )
    subject_terms = models.TextField(_("subject terms"), blank=True)
    terms = models.TextField(_("terms"), blank=True)
    personal_terms = models.TextField(_("personal data terms"), blank=True)
    # Denormalised for the filters and facets of the Elasticsearch documents and for rebuilds.
    department = models.ForeignKey(
        "casework.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=24, blank=True, editable=False)
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every other field a search filters on, so a filtered search reads the entries alone (the SLA
    # state is the case's rule applied to these: casework.deadlines.sla_condition).
    category = models.CharField(max_length=20, blank=True, editable=False)
    channel = models.CharField(max_length=10, blank=True, editable=False)
    due_date = models.DateField(null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when Elasticsearch could not take the case's latest version; the catch-up sends it again.
    elasticsearch_pending = models.BooleanField(default=False, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case search entry")
        verbose_name_plural = _("case search entries")

    def __str__(self):
        return str(self.case_id)
