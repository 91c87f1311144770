from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from . import schedule

        post_migrate.connect(schedule.install_schedule_after_migrate, sender=self)
        post_migrate.connect(_reset_reference_sequences, sender=self)


def _reset_reference_sequences(sender, using="default", **kwargs):
    from .models import drop_unused_reference_sequences

    drop_unused_reference_sequences(using)
