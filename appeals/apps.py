from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    """The project package itself, installed so that its admin hooks and tasks are found."""

    name = "appeals"
    verbose_name = _("Operations")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save

        from .security import end_sessions_of_deactivated

        post_save.connect(
            end_sessions_of_deactivated,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="appeals.end_sessions_of_deactivated",
        )
