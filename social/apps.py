from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """Cases from the office's social-media accounts: webhooks, drafts intake confirms, replies."""

    name = "social"
    verbose_name = _("Social media")

    def ready(self):
        from casework.models import Channel, OutboxMessage
        from notifications import outbox

        from . import drafts, wechat  # noqa: F401 (each platform module registers its adapter)

        outbox.register_reply_route(Channel.SOCIAL, drafts.reply_route)
        outbox.register_transport(OutboxMessage.Channel.SOCIAL, drafts.send)
        outbox.register_renderer("social_", drafts.render_message)
