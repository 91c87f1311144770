from django.urls import path

from . import admin_views, views

app_name = "social"

# Under /admin/social/ (wagtail_hooks).
admin_urlpatterns = [
    path("", admin_views.draft_index, name="draft_index"),
    path("<int:pk>/", admin_views.draft_detail, name="draft_detail"),
    path("<int:pk>/dismiss/", admin_views.draft_dismiss, name="draft_dismiss"),
]

# At the site's root, without a language prefix: the platforms call them.
urlpatterns = [
    path("<slug:platform>/<slug:slug>/", views.webhook, name="webhook"),
]
