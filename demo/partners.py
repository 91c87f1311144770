"""The demo's partner system: the city's 12345 hotline app, its key (fixed, for the demo only) and
two cases it filed through the open API."""

from casework.models import Category, Channel
from partner_api import filing
from partner_api.models import ApiKey, Partner

PARTNER_NAME = "City 12345 hotline app"
# Printed by load_demo so that the API can be tried at once; a real key is made in the admin.
DEMO_API_KEY = "demo1234.demo-key-for-the-12345-hotline-app-not-for-production"

CASES = [
    (
        "demo-12345-0001",
        {
            "category": Category.COMPLAINT,
            "subject": "路燈故障已一週",
            "content": "中山路 12 號前的路燈已經不亮一週，晚上行人很危險，請盡快修復。",
            "language": "zh-hant",
            "reply_channel": Channel.API,
            "citizen_name": "林雅婷",
            "citizen_phone": "0912 000 123",
        },
    ),
    (
        "demo-12345-0002",
        {
            "category": Category.INQUIRY,
            "subject": "Opening hours of the reception office",
            "content": "Is the reception office open on Saturday mornings?",
            "language": "en",
            "reply_channel": Channel.API,
            "citizen_name": "Alex Wang",
            "citizen_email": "alex.wang@example.org",
        },
    ),
]


def load_partners():
    partner, _created = Partner.objects.get_or_create(
        name=PARTNER_NAME, defaults={"requests_per_minute": 120, "channel": Channel.API}
    )
    prefix = DEMO_API_KEY.split(".")[0]
    if not ApiKey.objects.filter(prefix=prefix).exists():
        ApiKey.issue(partner, label="Demo key", raw_key=DEMO_API_KEY)
    for idempotency_key, fields in CASES:
        filing.file_case(
            partner,
            respond=lambda case, code: {"reference": case.reference},
            idempotency_key=idempotency_key,
            content_hash=filing.body_hash(fields),
            **fields,
        )
    return partner
