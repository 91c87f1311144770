from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from . import retention_admin, schedule

        retention_admin.register()
        post_migrate.connect(schedule.install_schedule_after_migrate, sender=self)
