"""The webhook each social-media account's platform calls: /social/<platform>/<slug>/.

The platform signs every request; an unsigned, wrongly signed or stale one gets 403 and nothing is
kept. A message is answered within the same request (the platform waits a few seconds, then retries
the same message), so nothing here waits on another service.
"""

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.ratelimit import safe_for_log

from . import drafts
from .models import SocialAccount
from .platforms import Refused, Unreadable, adapter_for

log = logging.getLogger("appeals.security")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def webhook(request, platform, slug):
    adapter = adapter_for(platform)
    account = SocialAccount.objects.filter(platform=platform, slug=slug, active=True).first()
    if adapter is None or account is None:
        # Not 404: the language middleware would redirect that to a prefixed page address.
        return HttpResponseForbidden()
    try:
        if request.method == "GET":
            return HttpResponse(adapter.handshake(request, account), content_type="text/plain; charset=utf-8")
        adapter.verify_request(request, account)
    except Refused as refusal:
        log.warning("Social webhook refused for account %s: %s", account.pk, safe_for_log(str(refusal)))
        return HttpResponseForbidden()
    try:
        messages = adapter.parse(request.body)
    except Unreadable as problem:
        log.warning("Social webhook body refused for account %s: %s", account.pk, safe_for_log(str(problem)))
        return HttpResponseBadRequest()
    if not messages:
        return HttpResponse("success", content_type="text/plain; charset=utf-8")
    message = messages[0]
    text = drafts.receive(account, message)
    body, content_type = adapter.passive_reply(account, message, text)
    return HttpResponse(body, content_type=content_type)
