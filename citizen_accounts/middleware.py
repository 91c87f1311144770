from django.http import Http404

from appeals.security import is_back_office

from .links import is_citizen


class CitizensStayOutOfTheBackOffice:
    """A signed-in citizen gets "not found" for every back-office path, the sign-in and two-factor
    pages included: a citizen account has no way into the Wagtail admin, whatever its permissions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_back_office(request.path) and is_citizen(request.user):
            raise Http404
        return self.get_response(request)
