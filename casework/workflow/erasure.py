"""Erasure of personal data at the end of the retention period, and re-encryption under a new key.

Both rewrite case and visit rows outside the step table, so they belong to the command layer. The
erasure is the one change the timeline allows after the fact: attachment entries lose their text
(file names can name the citizen, "王小明 身份證.jpg"); nothing else on the timeline changes.
"""

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from .. import effects
from ..fields import EncryptedTextField
from ..models import Attachment, Case, DeletionRecord, Event, OutboxMessage, Visit

CASE_HASHES = ["citizen_phone_hash", "citizen_email_hash"]
VISIT_FIELDS = [
    "visitor_names",
    "contacts",
    "id_numbers",
    "phone",
    "email",
    "address",
    "materials_provided",
]


# Personal data about a case that other apps keep in their own tables (a citizen account's link
# to the case): each registers cases_holding() -> ids of the cases it holds data about, and
# erase(case) -> names of what it erased, run inside the case's erasure.
_CASE_DATA = []


def register_case_data(cases_holding, erase):
    _CASE_DATA.append((cases_holding, erase))


# Personal data other apps keep that belongs to no case (an e-mail the mailbox could not file and
# staff dismissed): each registers due(cutoff) -> its items resolved before the cutoff that still
# hold personal data, and erase(item) -> names of what it erased, run in the item's transaction.
_UNFILED_DATA = []


def register_unfiled_data(due, erase):
    _UNFILED_DATA.append((due, erase))


def cases_with_other_data():
    """Ids of the cases that other apps hold personal data about."""
    ids = set()
    for cases_holding, _erase in _CASE_DATA:
        ids.update(cases_holding())
    return ids


def blank_fields(instance, names):
    """Blank the named personal fields of a row; returns the names of those that held something.
    Only those are saved, so a second erasure writes nothing."""
    erased = [name for name in names if getattr(instance, name)]
    if erased:
        for name in erased:
            setattr(instance, name, "")
        instance.save(update_fields=erased)
    return erased


def _erase_visit(visit):
    return blank_fields(visit, VISIT_FIELDS)


def erase_case(case, run_id, retention_days, now=None):
    """Erase one case's personal data; returns its DeletionRecord, or None when nothing was left."""
    with effects.unit_of_work():
        case = Case.objects.select_for_update().get(pk=case.pk)
        erased = [name for name in Case.PERSONAL_FIELDS + CASE_HASHES if getattr(case, name)]

        attachments = list(Attachment.objects.filter(case=case))
        if attachments:
            erased.append(f"attachments ({len(attachments)})")
            names = [attachment.file.name for attachment in attachments if attachment.file.name]
            Event.objects.filter(case=case, kind=Event.Kind.ATTACHMENT).update(text="")
            Attachment.objects.filter(case=case).delete()
            storage = attachments[0].file.storage

            def remove_files():
                for name in names:
                    storage.delete(name)

            transaction.on_commit(remove_files)

        for visit in Visit.objects.filter(case=case).order_by("pk"):
            erased += [f"visit {visit.pk}: {name}" for name in _erase_visit(visit)]

        messages = OutboxMessage.objects.filter(case=case)
        sent_to = messages.exclude(address="").count()
        errors = messages.exclude(last_error="").count()
        if sent_to or errors:
            messages.update(address="", last_error="")
        if sent_to:
            erased.append(f"message addresses ({sent_to})")
        if errors:
            erased.append(f"message errors ({errors})")
        # Letters for the post room keep the envelope's name and address (the notifications app's
        # model, looked up by name: casework does not import the apps around it).
        letter_model = apps.get_model("notifications", "Letter")
        addressed = [
            letter.pk
            for letter in letter_model.objects.filter(message__case=case)
            if letter.recipient_name or letter.postal_address
        ]
        if addressed:
            letter_model.objects.filter(pk__in=addressed).update(recipient_name="", postal_address="")
            erased.append(f"letter addresses ({len(addressed)})")

        for _holding, erase in _CASE_DATA:
            erased += erase(case)

        if not erased:
            return None
        for name in Case.PERSONAL_FIELDS:
            setattr(case, name, "")
        # save() recomputes the lookup hashes (now blank); update_fields keeps updated_at, so the
        # statistics do not see a change. The case's search entry is rebuilt without the values.
        case.save(update_fields=Case.PERSONAL_FIELDS)
        effects.emit(effects.CASE_CHANGED, case.pk)
        return DeletionRecord.objects.create(
            case=case,
            reference=case.reference,
            erased_at=now or timezone.now(),
            fields=erased,
            run_id=run_id,
            retention_days=retention_days,
        )


def erase_visit(visit, run_id, retention_days, now=None):
    """Erase a walk-in visit that opened no case; returns its DeletionRecord, or None."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        erased = _erase_visit(visit)
        if not erased:
            return None
        return DeletionRecord.objects.create(
            visit_id=visit.pk,
            erased_at=now or timezone.now(),
            fields=erased,
            run_id=run_id,
            retention_days=retention_days,
        )


def erase_unfiled_data(cutoff, run_id, retention_days, now=None):
    """Erase what other apps keep outside any case once it is older than the cutoff; returns the
    DeletionRecords written, one per item. Its field names read "<app.model> <id>: <field>"."""
    records = []
    for due, erase in _UNFILED_DATA:
        for item in due(cutoff).order_by("pk").iterator():
            with transaction.atomic():
                erased = erase(item)
                if not erased:
                    continue
                prefix = f"{item._meta.label_lower} {item.pk}"
                records.append(
                    DeletionRecord.objects.create(
                        erased_at=now or timezone.now(),
                        fields=[f"{prefix}: {name}" for name in erased],
                        run_id=run_id,
                        retention_days=retention_days,
                    )
                )
    return records


def encrypted_models():
    """(model, names of its encrypted fields) for every model holding personal data encrypted."""
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def reencrypt(model, names, rows):
    """Write (pk, *values) rows back through the fields, which encrypt with the newest key."""
    with transaction.atomic():
        for pk, *values in rows:
            model._base_manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
