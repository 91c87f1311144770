"""Staff roles (docs/domain.md "Who uses it"), held as Wagtail groups.

The group names are stable identifiers: code and fixtures look roles up by them.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

INTAKE_OFFICER = "Intake officer"
HANDLER = "Department handler"
REVIEWER = "Department reviewer"
SUPERVISOR = "Supervisor"
MANAGER = "Manager"
AUDITOR = "Auditor"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

ROLE_LABELS = {
    INTAKE_OFFICER: _("Intake officer"),
    HANDLER: _("Department handler"),
    REVIEWER: _("Department reviewer"),
    SUPERVISOR: _("Supervisor"),
    MANAGER: _("Manager"),
    AUDITOR: _("Auditor"),
    EDITOR: _("Editor"),
    ADMINISTRATOR: _("Administrator"),
}
ALL_ROLES = list(ROLE_LABELS)

# Every staff role signs in to the Wagtail admin; what they see there is decided per role and department.
ROLE_PERMISSIONS = {role: ["wagtailadmin.access_admin"] for role in ALL_ROLES}
ROLE_PERMISSIONS[EDITOR] += [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtail_localize.submit_translation",
]
ROLE_PERMISSIONS[ADMINISTRATOR] += [
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    "django_celery_beat.add_periodictask",
]


def _model_permissions(model, actions=("add", "change", "delete", "view")):
    return [f"casework.{action}_{model}" for action in actions]


# Casework setup in the admin: stage limits (with the matrix by category and priority, and its change
# log to read) and the holiday calendar for supervisors, reply templates
# for those who write replies, departments and their staff for administrators.
ROLE_PERMISSIONS[SUPERVISOR] += [
    "casework.change_stagelimits",
    *_model_permissions("stagelimitrule"),
    "casework.view_stagelimitchange",
    *_model_permissions("calendarday"),
    *_model_permissions("replytemplate"),
]
ROLE_PERMISSIONS[INTAKE_OFFICER] += _model_permissions("replytemplate", ("add", "change", "view"))
ROLE_PERMISSIONS[REVIEWER] += _model_permissions("replytemplate", ("add", "change", "view"))
ROLE_PERMISSIONS[ADMINISTRATOR] += [
    "casework.change_stagelimits",
    *_model_permissions("stagelimitrule"),
    "casework.view_stagelimitchange",
    *_model_permissions("department"),
    *_model_permissions("departmentmembership"),
    *_model_permissions("calendarday"),
    *_model_permissions("replytemplate"),
]

# The office's social-media accounts (their webhook secrets) for administrators (social app).
ROLE_PERMISSIONS[ADMINISTRATOR] += [f"social.{action}_socialaccount" for action in ("add", "change", "view")]

PAGE_PERMISSIONS = {EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]}


# Permissions Wagtail and wagtail-localize create in data migrations, on content types of no model.
MIGRATION_PERMISSIONS = {
    "wagtailadmin.access_admin": ("admin", "Can access Wagtail admin"),
    "wagtail_localize.submit_translation": ("translation", "Can submit translations"),
}


def _permission(dotted):
    app_label, codename = dotted.split(".")
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist:
        # Permissions are made after migrations; a database flushed without that step lacks them.
        from django.apps import apps
        from django.contrib.auth.management import create_permissions
        from django.contrib.contenttypes.models import ContentType

        # The content-type cache may still hold rows the flush deleted; without clearing it the
        # permissions would be made for content types that no longer exist.
        ContentType.objects.clear_cache()
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        if dotted in MIGRATION_PERMISSIONS:  # made by a data migration, not from a model's Meta
            model, name = MIGRATION_PERMISSIONS[dotted]
            content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
            Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_role_groups(root_page=None):
    """Create the role groups with their permissions; safe to run any number of times."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    groups = {}
    for role in ALL_ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*[_permission(p) for p in ROLE_PERMISSIONS[role]])
        groups[role] = group

    collection_root = Collection.get_first_root_node()
    for dotted in ROLE_PERMISSIONS[EDITOR]:
        app_label, _codename = dotted.split(".")
        if app_label in {"wagtailimages", "wagtaildocs"} and collection_root is not None:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[EDITOR], collection=collection_root, permission=_permission(dotted)
            )
    if root_page is not None:
        for role, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[role], page=root_page, permission=_permission(f"wagtailcore.{codename}")
                )
    return groups
