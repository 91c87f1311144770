"""Two populations, two doors: staff sign in to the back office by username (with django-axes'
lockout and the second factor), citizens sign in on the public site by e-mail or phone (with
allauth's rate limits). Neither backend lets the other population through."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from appeals.security import is_back_office

from .models import CitizenAccount


def _is_citizen(user):
    return CitizenAccount.objects.filter(user_id=user.pk).exists()


class StaffBackend(ModelBackend):
    """Django's username and password backend, refusing citizens' accounts."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not _is_citizen(user)


class CitizenBackend(AuthenticationBackend):
    """allauth's e-mail/phone backend, for citizens only and never on a back-office path (the staff
    sign-in form sends its username, which allauth would also try as an e-mail address)."""

    def authenticate(self, request, **credentials):
        if request is not None and is_back_office(request.path):
            return None
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is not None and not _is_citizen(user):
            # A staff e-mail address: answered like a wrong password, after the same hashing work.
            self._did_check_password = True
            self._mitigate_timing_attack(password)
            return None
        return super()._check_password(user, password)


def not_a_staff_sign_in(request, credentials):
    """AXES_WHITELIST_CALLABLE: django-axes counts and locks the back office's sign-ins only."""
    return request is None or not is_back_office(request.path)
