"""Hot topics: keywords of the subjects without low-value words, in the reader's script."""

import re
from datetime import date

import pytest
from django.utils import timezone
from wagtail.users.models import UserProfile

from casework import roles
from casework.models import DailyTopicStatistic
from reporting import statistics, topics
from tests.factories import CaseFactory, staff

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)
SUBJECTS = (
    "中山東路路燈不佳，建議協助修復",
    "中山东路路灯损坏，请协助",
    "請問路燈維修問題",
    "Please fix the street lights",
)


@pytest.fixture(autouse=True)
def admin_access(db):
    roles.ensure_role_groups()


@pytest.fixture
def day_of_cases():
    when = timezone.make_aware(timezone.datetime(2026, 3, 10, 10))
    for subject in SUBJECTS:
        CaseFactory(received_at=when, subject=subject)
    statistics.recompute_day(DAY)


def test_keywords_leave_out_stop_words_and_address_fragments():
    words = topics.keywords("中山東路路燈不佳，建議協助修復")
    assert "路灯" in words and "中山东路" in words
    for low_value in ("建议", "协助", "不佳", "东路", "山东"):
        assert low_value not in words
    assert topics.keywords("Please fix the street lights") == ["fix", "street", "lights"]
    # A longer word that is not a place still counts for its parts.
    assert {"垃圾车", "垃圾"} <= set(topics.keywords("垃圾車時間"))


def test_stop_word_list_has_chinese_and_english_words_in_either_script():
    words = topics.stop_words()
    assert {"建议", "协助", "不佳", "东路", "问题", "please", "the"} <= words
    # Written in Traditional in the file, matched in the folded (Simplified) form of subjects.
    assert "問題" not in words and "问题" in words


def test_hot_topics_count_keywords_and_drop_stop_words_stored_before(day_of_cases):
    DailyTopicStatistic.objects.create(day=DAY, department=None, term="建议", cases=9)
    found = dict(statistics.hot_topics(DAY, DAY))
    assert found["路灯"] == 3
    assert found["中山东路"] == 2
    for low_value in ("建议", "协助", "不佳", "东路", "问题", "请问", "please"):
        assert low_value not in found


def hot_topic_labels(client, language):
    user = staff(roles.MANAGER)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    page = client.get("/admin/statistics/", {"start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    table = page[page.index('id="statistics-topics"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_hot_topics_are_shown_in_the_readers_script(client, day_of_cases):
    traditional = hot_topic_labels(client, "zh-hant")
    assert "路燈" in traditional and "中山東路" in traditional
    assert "路灯" not in traditional
    simplified = hot_topic_labels(client, "zh-hans")
    assert "路灯" in simplified and "中山东路" in simplified
    assert "路燈" not in simplified
    for labels in (traditional, simplified):
        assert not {"建議", "建议", "協助", "协助", "不佳", "東路", "东路", "please"} & set(labels)
