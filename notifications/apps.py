from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Messages to citizens and staff through the outbox, and their delivery."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from casework import effects

        from . import letters, tasks

        effects.subscribe("notifications", tasks.outbox_consumer)
        letters.register()
