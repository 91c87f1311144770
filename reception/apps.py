from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """The reception office around the cases: appointments, the duty roster, the printed registers,
    training, staff assessment, inspections and external supervision, confidentiality agreements."""

    name = "reception"
    verbose_name = _("Reception office")

    def ready(self):
        from notifications import outbox

        from . import messages

        outbox.register_renderer("appointment_", messages.render_message)
