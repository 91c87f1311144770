from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("", views.case_index, name="case_index"),
    path("export/", views.case_export, name="case_export"),
    path("register/", views.case_register, name="case_register"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/registered/", views.case_registered, name="case_registered"),
    path("<int:pk>/print/", views.case_print, name="case_print"),
    path("<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("visits/", views.visit_index, name="visit_index"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("access-log/", views.access_log, name="access_log"),
]
