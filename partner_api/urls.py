from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import schema, views

urlpatterns = [
    path("api/v1/categories/", views.CategoryList.as_view(), name="partner_api_categories"),
    path("api/v1/cases/", views.CaseList.as_view(), name="partner_api_cases"),
    path("api/v1/cases/<str:reference>/", views.CaseDetail.as_view(), name="partner_api_case"),
    path("api/schema/", SpectacularAPIView.as_view(), name="partner_api_schema"),
    path("api/docs/", schema.docs, name="partner_api_docs"),
    *[
        pattern
        for fmt in ("json", "xml")
        for pattern in (
            path(f"open311/v2/services.{fmt}", views.Open311Services.as_view(), {"format": fmt}),
            path(
                f"open311/v2/services/<str:service_code>.{fmt}",
                views.Open311ServiceDefinition.as_view(),
                {"format": fmt},
            ),
            path(f"open311/v2/requests.{fmt}", views.Open311Requests.as_view(), {"format": fmt}),
            path(
                f"open311/v2/requests/<str:service_request_id>.{fmt}",
                views.Open311Request.as_view(),
                {"format": fmt},
            ),
        )
    ],
]
