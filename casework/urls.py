from django.urls import path

from . import admin_lists, exports, views

app_name = "casework"

urlpatterns = [
    path("", admin_lists.CaseIndexView.as_view(), name="case_index"),
    path("export/", admin_lists.CaseIndexView.as_view(export_format=exports.CSV), name="case_export"),
    path("register/", views.case_register, name="case_register"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/registered/", views.case_registered, name="case_registered"),
    path("<int:pk>/print/", views.case_print, name="case_print"),
    path("<int:pk>/access-code/", views.access_code_reissue, name="access_code_reissue"),
    path("<int:pk>/access-code/new/", views.access_code_reissued, name="access_code_reissued"),
    path("<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("visits/", admin_lists.VisitIndexView.as_view(), name="visit_index"),
    path("visits/<int:pk>/", admin_lists.VisitInspectView.as_view(), name="visit_inspect"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("supervision/", admin_lists.SupervisionNoticeIndexView.as_view(), name="supervision_notices"),
    path("access-log/", admin_lists.AccessLogView.as_view(), name="access_log"),
    path("access-log/<int:pk>/", admin_lists.AccessRecordInspectView.as_view(), name="access_record"),
]
