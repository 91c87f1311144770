"""Whatever a visitor sends to the appeal form or the tracking page: never a 500, never a half-written case."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import workflow
from casework.models import Case, Channel, Event

from .appeal_pages import APPEAL_URL, TRACK_URL, appeal_data, appeal_pages, token_of  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages")

FIELDS = ["category", "subject", "content", "name", "phone", "email", "address", "reply_channel", "anonymous"]
# Any text, control characters and NUL included; lone surrogates left out (they cannot be sent as UTF-8).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
values = st.one_of(
    text,
    st.sampled_from(
        ["complaint", "suggestion", "other", "inquiry", "help", "web", "email", "letter", "hotline", "on"]
    ),
    st.just("<script>alert(1)</script>"),
    st.just("字" * 5001),
    st.just("a" * 201),
)
PERMISSIVE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def generous_limits(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 10_000
    settings.TRACKING_ATTEMPTS_PER_HOUR = 10_000


@PERMISSIVE
@given(st.dictionaries(st.sampled_from(FIELDS), values))
def test_the_appeal_form_never_fails_and_never_half_writes(client, generous_limits, fields):
    before = Case.objects.count()
    token = token_of(client.get(APPEAL_URL))
    data = appeal_data(token)
    data.update(fields)
    response = client.post(APPEAL_URL, data)
    assert response.status_code in (200, 302)
    created = Case.objects.count() - before
    assert created == (1 if response.status_code == 302 else 0)
    for case in Case.objects.all():
        assert list(case.events.values_list("kind", flat=True)[:1]) == [Event.Kind.REGISTERED]
        assert case.reference and case.access_code_hash and case.subject.strip() and case.content.strip()
        assert len(case.subject) <= 200 and len(case.content) <= 5000


@PERMISSIVE
@given(
    st.dictionaries(
        st.sampled_from(["action", "reference", "access_code", "text", "satisfaction", "comment", "reopen"]),
        st.one_of(text, st.sampled_from(["lookup", "information", "satisfaction", "leave", "dissatisfied"])),
    )
)
def test_the_tracking_page_never_fails(client, generous_limits, fields):
    case, code = workflow.register_case(
        actor=None, channel=Channel.WEB, category="inquiry", subject="路燈", content="壞了"
    )
    client.post(TRACK_URL, {"action": "lookup", "reference": case.reference, "access_code": code})
    response = client.post(TRACK_URL, fields)
    assert response.status_code in (200, 302)
    assert client.get(TRACK_URL).status_code == 200
