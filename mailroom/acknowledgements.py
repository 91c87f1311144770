"""The answer to an e-mail filed as a case: its reference and access code, in the citizen's language
(outbox.render calls this inside the message's language)."""

import json

from django.utils.translation import gettext as _

from casework import crypto
from casework.models import Case
from portal.links import tracking_url


def render_message(message):
    case = message.case or Case()
    context = message.context
    params = {"reference": case.reference}
    subject = _("We received your e-mail: case %(reference)s") % params
    lines = [
        _("Thank you for writing to us. Your e-mail was registered as case %(reference)s.") % params,
        _("Your access code is %(code)s. Keep it to yourself: with the reference it opens your case.")
        % {"code": crypto.decrypt(context.get("code", ""))},
    ]
    refused = json.loads(crypto.decrypt(context.get("refused") or "") or "[]")
    if refused:
        lines.append(
            "\n".join(
                [_("These attachments were not added to your case:"), *(f"- {line}" for line in refused)]
            )
        )
    url = tracking_url(case.reference, message.language) if case.reference else ""
    lines.append(
        _("Follow your case with its reference and your access code at %(url)s") % {"url": url}
        if url
        else _("You can follow your case on the portal with its reference and access code.")
    )
    lines.append(_("A new e-mail to this address opens a new case; to add to this one, follow your case."))
    return subject, lines
