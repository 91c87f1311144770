"""What partners send and what they get back; drf-spectacular builds the schema from these."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.models import Category, Channel
from portal.appeals import PHONE_RE

REPLY_CHANNELS = [
    (Channel.API, _("Through the partner system")),
    (Channel.WEB, _("On the portal (the citizen tracks the case)")),
    (Channel.EMAIL, _("By e-mail")),
    (Channel.HOTLINE, _("By telephone")),
    (Channel.LETTER, _("By letter")),
]
# A reply by this channel needs that contact.
REPLY_NEEDS = {
    Channel.EMAIL: ("email", _("Give the citizen's e-mail address to reply by e-mail.")),
    Channel.HOTLINE: ("phone", _("Give the citizen's phone number to reply by telephone.")),
    Channel.LETTER: ("address", _("Give the citizen's address to reply by letter.")),
}


def check_phone(value):
    value = (value or "").strip()
    if value and not PHONE_RE.match(value):
        raise serializers.ValidationError(
            _("Enter a phone number with digits only (spaces, + and - are allowed).")
        )
    return value


# --- The project's own API -----------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Category.choices, help_text=_("The value to send as `category`."))
    name = serializers.CharField(help_text=_("The category's name in the request's language."))
    description = serializers.CharField()


class CitizenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate_phone(self, value):
        return check_phone(value)


class CaseCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=5000, help_text=_("What happened, and what the citizen asks."))
    category = serializers.ChoiceField(choices=Category.choices)
    citizen = CitizenSerializer(
        required=False,
        help_text=_("The citizen's contact details, if they gave them; never returned by the API."),
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text=_("The citizen's language for messages; the request's Accept-Language by default."),
    )
    reply_channel = serializers.ChoiceField(choices=REPLY_CHANNELS, default=Channel.API)

    def validate(self, data):
        citizen = data.get("citizen") or {}
        needed = REPLY_NEEDS.get(data.get("reply_channel"))
        if needed and not (citizen.get(needed[0]) or "").strip():
            raise serializers.ValidationError({"citizen": {needed[0]: [needed[1]]}})
        data.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
        return data

    def case_fields(self):
        data = self.validated_data
        citizen = data.get("citizen") or {}
        return {
            "category": data["category"],
            "subject": data["subject"].strip(),
            "content": data["content"].strip(),
            "language": data["language"],
            "reply_channel": data["reply_channel"],
            "citizen_name": citizen.get("name", "").strip(),
            "citizen_phone": citizen.get("phone", ""),
            "citizen_email": citizen.get("email", ""),
            "citizen_address": citizen.get("address", "").strip(),
        }


class CaseReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text=_("The case reference; the citizen quotes it."))
    access_code = serializers.CharField(
        help_text=_("Shown once: hand it to the citizen, who tracks the case with it and the reference.")
    )
    status = serializers.CharField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    reply_due = serializers.DateField(allow_null=True, help_text=_("The date the office replies by."))
    tracking_url = serializers.CharField(allow_blank=True)


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField(help_text=_("What the citizen reads on the tracking page."))
    created_at = serializers.DateTimeField()


class CaseSummarySerializer(serializers.Serializer):
    reference = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    is_open = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    reply_due = serializers.DateField(allow_null=True)


class CaseDetailSerializer(CaseSummarySerializer):
    subject = serializers.CharField()
    timeline = TimelineEntrySerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- Open311 GeoReport v2 ------------------------------------------------------------------------


class Open311ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.BooleanField()
    type = serializers.CharField()
    keywords = serializers.CharField(allow_blank=True)
    group = serializers.CharField(allow_blank=True)


class Open311ServiceDefinitionSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    attributes = serializers.ListField(child=serializers.DictField(), help_text=_("Always empty."))


class Open311RequestCreateSerializer(serializers.Serializer):
    service_code = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=5000)
    first_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address_string = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("Where the matter is.")
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    account_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    media_url = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Not accepted: send documents to the office by the citizen's tracking page."),
    )

    def validate_service_code(self, value):
        if value not in Category.values:
            raise serializers.ValidationError(_("There is no service with this code."))
        return value

    def validate_phone(self, value):
        return check_phone(value)

    def validate_media_url(self, value):
        if value.strip():
            raise serializers.ValidationError(
                _("Media links are not accepted; the citizen can add files on the tracking page.")
            )
        return ""

    def case_fields(self, language):
        data = self.validated_data
        description = data["description"].strip()
        where = (data.get("address_string") or "").strip()
        if "lat" in data and "long" in data:
            where = f"{where} ({data['lat']:.6f}, {data['long']:.6f})".strip()
        content = description
        if where:
            content = f"{description}\n\n{_('Location')}: {where}"
        first_line = description.splitlines()[0] if description else ""
        name = " ".join(part.strip() for part in (data.get("first_name", ""), data.get("last_name", "")))
        return {
            "category": data["service_code"],
            "subject": first_line[:80] or description[:80],
            "content": content,
            "language": language,
            "reply_channel": Channel.API,
            "citizen_name": name.strip(),
            "citizen_phone": data.get("phone", ""),
            "citizen_email": data.get("email", ""),
        }


class Open311ReceiptSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(help_text=_("The case reference."))
    token = serializers.CharField(allow_null=True, help_text=_("Unused: the reference is given at once."))
    service_notice = serializers.CharField(allow_blank=True)
    account_id = serializers.CharField(allow_null=True)
    access_code = serializers.CharField(help_text=_("Shown once: hand it to the citizen."))


class Open311RequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "closed"])
    status_notes = serializers.CharField(
        allow_blank=True, help_text=_("The citizen's timeline, latest entry.")
    )
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    service_notice = serializers.CharField(allow_blank=True)
    requested_datetime = serializers.DateTimeField()
    updated_datetime = serializers.DateTimeField()
    expected_datetime = serializers.DateTimeField(allow_null=True, help_text=_("When the reply is due."))


class Open311ErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    description = serializers.CharField()
