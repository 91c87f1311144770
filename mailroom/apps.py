from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailroomConfig(AppConfig):
    """The complaint mailbox read over IMAP: each new message a case with channel e-mail, its
    citizen answered with the reference and access code; bounces and auto-replies ignored; what
    cannot be filed waits in the review queue."""

    name = "mailroom"
    verbose_name = _("Complaint mailbox")

    def ready(self):
        from casework.workflow import erasure
        from notifications import outbox

        from . import acknowledgements, review

        outbox.register_renderer("mailroom_", acknowledgements.render_message)
        erasure.register_case_data(review.cases_with_messages, review.erase_messages_of_case)
        erasure.register_unfiled_data(review.dismissed_messages_due, review.erase_dismissed_message)
