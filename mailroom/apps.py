from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailroomConfig(AppConfig):
    """The complaint mailbox read over IMAP: each new message a case with channel e-mail, its
    citizen answered with the reference and access code; bounces and auto-replies ignored; what
    cannot be filed waits in the review queue."""

    name = "mailroom"
    verbose_name = _("Complaint mailbox")

    def ready(self):
        from notifications import outbox

        from . import acknowledgements

        outbox.register_renderer("mailroom_", acknowledgements.render_message)
