"""Imported by Wagtail for its hooks: the post room's screens and menu item."""

from . import admin_postroom  # noqa: F401
