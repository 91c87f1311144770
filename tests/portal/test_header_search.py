import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["zh-hant", "zh-hans", "en"])
def test_every_portal_page_offers_a_labelled_search_box_in_its_language(demo_site, client, prefix):
    html = client.get(f"/{prefix}/").content.decode()
    assert f'action="/{prefix}/search/"' in html
    assert '<label for="site-search-query">' in html


def test_the_search_page_shows_one_search_form_only(demo_site, client):
    html = client.get("/zh-hant/search/?q=投訴").content.decode()
    assert html.count('role="search"') == 1
