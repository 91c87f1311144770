from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenAccountsConfig(AppConfig):
    name = "citizen_accounts"
    verbose_name = _("Citizen accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.workflow import erasure
        from portal import appeals

        from . import links

        appeals.register_filing_hook(links.link_filed_case)
        # A case erased at the end of its retention period takes its links to accounts with it.
        erasure.register_case_data(links.cases_linked, links.erase_links_of_case)
