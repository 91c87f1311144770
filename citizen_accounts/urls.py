from django.urls import path

from . import views

urlpatterns = [
    path("appeals/", views.my_appeals, name="citizen_my_appeals"),
    path("appeals/add/", views.claim, name="citizen_claim_case"),
    path("appeals/<str:reference>/", views.my_case, name="citizen_case"),
    path("appeals/<str:reference>/files/<int:attachment_pk>/", views.my_case_file, name="citizen_case_file"),
    path("data/", views.download_my_data, name="citizen_download_data"),
    path("delete/", views.delete_account, name="citizen_delete_account"),
    path("deleted/", views.account_deleted, name="citizen_account_deleted"),
]
