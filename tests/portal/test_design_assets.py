"""The committed design-system stylesheet: built from the pinned version, naming no file we do not ship."""

import re

from django.contrib.staticfiles import finders

CSS = "vendor/govuk-frontend/govuk-frontend.min.css"


def test_the_stylesheet_names_no_file_that_is_not_shipped():
    # collectstatic's manifest storage refuses a stylesheet whose url() points at a missing file,
    # and the framework's crest (GOV.UK's own) must not be shipped at all.
    css = open(finders.find(CSS), encoding="utf-8").read()
    for reference in re.findall(r"url\(([^)]*)\)", css):
        target = reference.strip("'\"")
        assert target.startswith("data:") or finders.find(re.sub(r"^(\.\./)+", "vendor/", target)), reference
    assert "govuk-crest" not in css


def test_the_stylesheet_uses_no_gds_transport_font():
    css = open(finders.find(CSS), encoding="utf-8").read()
    assert "GDS Transport" not in css and "@font-face" not in css
