"""factory_boy factories shared by the test suite."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from casework import effects, roles
from casework.models import Case, Category, Channel, Department, DepartmentMembership, Status
from reception import agreements
from reception.models import AgreementAcceptance


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "測試"
    last_name = factory.Sequence(lambda n: f"員{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            group, _created = Group.objects.get_or_create(name=role)
            self.groups.add(group)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"測試處{n}")
    code = factory.Sequence(lambda n: f"dept-{n}")


def staff(role, department=None, *, accepts_agreement=True, **kwargs):
    """A user in a role group; handlers and reviewers also get their department membership.

    Staff have accepted the confidentiality agreement in effect (version 1 when none is, as after the
    migration; a transactional test may have emptied the table), as the demo's staff have: without
    it no personal data is shown to them. accepts_agreement=False for the tests of that gate.
    """
    user = UserFactory(roles=[role], **kwargs)
    if department is not None:
        membership = {roles.HANDLER: "handler", roles.REVIEWER: "reviewer"}[role]
        DepartmentMembership.objects.create(user=user, department=department, role=membership)
    if accepts_agreement:
        current = agreements.ensure_default_agreement()
        if current is not None:
            AgreementAcceptance.objects.create(agreement=current, user=user)
    return user


class CaseFactory(factory.django.DjangoModelFactory):
    """A case put straight into a state (tests of single transitions); the workflow makes real ones."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    channel = Channel.WEB
    category = Category.INQUIRY
    status = Status.RECEIVED
    subject = factory.Sequence(lambda n: f"路燈故障 {n}")
    content = "住家附近的路燈已經壞了兩週，晚上很危險。"
    citizen_name = "王小明"
    citizen_phone = "13812345678"
    citizen_email = "citizen@example.org"
    citizen_address = "臺北市中正區重慶南路一段122號"
    citizen_id_number = "A123456789"
    received_at = factory.LazyFunction(timezone.now)
    access_code_hash = factory.LazyFunction(lambda: "!")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As if it had come in through the command layer: its search entry is written.
        case = super()._create(model_class, *args, **kwargs)
        effects.emit(effects.CASE_CHANGED, case.pk)
        return case

    @factory.post_generation
    def access_code(self, create, extracted, **kwargs):
        if extracted:
            self.set_access_code(extracted)
            self.save(update_fields=["access_code_hash"])


def _tiny_png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (0, 90, 160)).save(out, "PNG")
    return out.getvalue()


# A real, decodable image: attachments are re-encoded to drop their metadata.
PNG = _tiny_png()


# --- Citizen accounts ----------------------------------------------------------------------------

CITIZEN_PASSWORD = "a-citizen-password-2026"


def citizen(email="citizen@example.org", password=CITIZEN_PASSWORD, **kwargs):
    """A citizen with a verified e-mail address (returns the CitizenAccount; .user is the user)."""
    from citizen_accounts.links import new_citizen

    return new_citizen(email, password, **kwargs)
