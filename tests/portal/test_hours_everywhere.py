"""The footer and the FAQ answer about hours show the reception page's hours, and show new hours as
soon as the reception page is published (their cached fragments belong to the page-cache
generation that publishing renews)."""

from datetime import time

import pytest

from portal.models import FAQIndexPage, ReceptionHours, ReceptionPage

pytestmark = pytest.mark.django_db

DEMO_HOURS = {
    "zh-hant": "星期一至星期五 9:00–12:00、13:30–17:30",
    "zh-hans": "星期一至星期五 9:00–12:00、13:30–17:30",
    "en": "Monday to Friday 9:00–12:00, 13:30–17:30",
}
NEW_HOURS = {
    "zh-hant": "星期一至星期四 9:00–12:00、13:30–17:30；星期五至星期六 9:00–12:00",
    "zh-hans": "星期一至星期四 9:00–12:00、13:30–17:30；星期五至星期六 9:00–12:00",
    "en": "Monday to Thursday 9:00–12:00, 13:30–17:30; Friday to Saturday 9:00–12:00",
}


def footer(client, path):
    return client.get(path).content.decode().split("<footer", 1)[1]


def faq_hours_answer(client, language):
    page = client.get(f"/{language}/faq/").content.decode()
    question = page.index("faq-category", page.index("<main"))
    answers = page[question:]
    return answers[answers.index('class="reception-hours"') :].split("</p>", 1)[0]


def test_footer_and_faq_show_the_reception_pages_hours(demo_site, client):
    for language, text in DEMO_HOURS.items():
        assert text in footer(client, f"/{language}/")
        assert text in faq_hours_answer(client, language)
    # The FAQ's structured data answers with the same hours.
    faq = FAQIndexPage.objects.get(locale__language_code="en")
    assert DEMO_HOURS["en"] in faq.json_ld()


def test_new_hours_show_in_footer_and_faq_once_the_reception_page_is_published(demo_site, client):
    for language in DEMO_HOURS:
        footer(client, f"/{language}/")  # the footer fragments and the pages are cached now
        faq_hours_answer(client, language)
    page = ReceptionPage.objects.get(locale__language_code="zh-hant")

    # A change to the rows that is not published is not on the site: the cached footer stays.
    ReceptionHours.objects.filter(page=page, weekday=4, opens=time(13, 30)).delete()
    assert DEMO_HOURS["zh-hant"] in footer(client, "/zh-hant/")

    page = ReceptionPage.objects.get(pk=page.pk)
    page.hours = [
        *(ReceptionHours(weekday=day, opens=time(9), closes=time(12)) for day in range(6)),
        *(ReceptionHours(weekday=day, opens=time(13, 30), closes=time(17, 30)) for day in range(4)),
    ]
    page.save_revision().publish()

    for language, text in NEW_HOURS.items():
        assert text in footer(client, f"/{language}/")
        assert text in footer(client, f"/{language}/faq/")
        assert text in faq_hours_answer(client, language)
        assert DEMO_HOURS[language] not in footer(client, f"/{language}/")
