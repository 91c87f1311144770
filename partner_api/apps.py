from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerApiConfig(AppConfig):
    name = "partner_api"
    verbose_name = _("Partner systems (open API)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import callbacks

        callbacks.register()
