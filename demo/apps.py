from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo content and synthetic cases (`load_demo`, `generate_cases`): nothing the service needs."""

    name = "demo"
    verbose_name = _("Demo content")
