"""The post room in the back office: letters waiting to be printed and posted (intake officers and
supervisors). The list masks the recipient; printing shows them in full, so it needs the
confidentiality agreement and is logged in the personal-data access log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail import hooks

from casework import access
from casework.wagtail_hooks import RoleMenuItem

from . import letters
from .models import Letter

RECENTLY_POSTED = 20


def _require(user):
    if not access.has_role(user, *letters.POST_ROOM_ROLES):
        raise PermissionDenied


@never_cache
def post_room(request):
    _require(request.user)
    rows = list(letters.waiting())
    for letter in rows:
        letter.masked = letters.masked_recipient(letter)
    posted = Letter.objects.filter(state=Letter.State.POSTED).select_related("message__case", "posted_by")
    return render(
        request,
        "notifications/post_room.html",
        {"rows": rows, "posted": posted.order_by("-posted_at")[:RECENTLY_POSTED]},
    )


@require_POST
@never_cache
def print_letter(request, pk):
    _require(request.user)
    letter = get_object_or_404(Letter.objects.select_related("message__case"), pk=pk)
    if not access.has_accepted_confidentiality(request.user):
        # The agreement screen lives in the reception app, which sends through this app's outbox.
        messages.error(request, _("Accept the current confidentiality agreement before printing letters."))
        return redirect(f"{reverse('agreements:agreement')}?next={reverse('post_room:index')}")
    pdf = letters.letter_pdf(letter)
    if pdf is None:
        messages.error(request, _("The letter cannot be made into PDF on this server at the moment."))
        return redirect("post_room:index")
    letters.mark_printed(letter, request.user)
    reference = letter.message.case.reference if letter.message.case_id else f"letter-{letter.pk}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reference}-letter-{letter.pk}.pdf"'
    return response


@require_POST
def mark_posted(request):
    _require(request.user)
    chosen = Letter.objects.filter(
        pk__in=[value for value in request.POST.getlist("letter") if value.isdigit()]
    )
    count = letters.mark_posted(chosen, request.user)
    if count:
        messages.success(request, _("Marked as posted: %(count)s.") % {"count": count})
    else:
        messages.warning(request, _("Choose the letters that went into the post."))
    return redirect("post_room:index")


urlpatterns = [
    path("", post_room, name="index"),
    path("<int:pk>/print/", print_letter, name="print"),
    path("posted/", mark_posted, name="posted"),
]


@hooks.register("register_admin_urls")
def register_post_room_urls():
    from django.urls import include

    return [path("post-room/", include((urlpatterns, "post_room"), namespace="post_room"))]


class PostRoomMenuItem(RoleMenuItem):
    """The menu item counts the letters waiting, so the post room sees work without opening it."""

    def render_component(self, request):
        component = super().render_component(request)
        waiting = letters.waiting_count()
        if waiting:
            component.label = _("%(label)s (%(count)s waiting)") % {"label": self.label, "count": waiting}
        return component


@hooks.register("register_reception_menu_item")
def post_room_menu_item():
    return PostRoomMenuItem(
        gettext_lazy("Post room"), "post_room:index", letters.POST_ROOM_ROLES, icon_name="mail", order=130
    )
