"""The ledger, the statistics and the assessment in the Wagtail admin."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import analysis_views, dashboard, ledger, rectification


@hooks.register("register_admin_viewset")
def register_ledger():
    return ledger.LedgerViewSet()


@hooks.register("register_admin_viewset")
def register_rectification_ledger():
    return rectification.RectificationViewSet()


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [path("statistics/", include((dashboard.urlpatterns, "statistics"), namespace="statistics"))]


@hooks.register("register_admin_menu_item")
def register_statistics_menu():
    return dashboard.StatisticsMenuItem(
        _("Statistics"), reverse_lazy("statistics:dashboard"), icon_name="table", order=160
    )


@hooks.register("register_admin_menu_item")
def register_assessment_menu():
    return dashboard.AssessmentMenuItem(
        _("Assessment"), reverse_lazy("statistics:assessment"), icon_name="list-ul", order=170
    )


@hooks.register("register_admin_urls")
def register_analysis_report_urls():
    return [
        path(
            "analysis-reports/",
            include((analysis_views.urlpatterns, "analysis_reports"), namespace="analysis_reports"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_analysis_report_menu():
    return analysis_views.AnalysisReportMenuItem(
        _("Analysis reports"), reverse_lazy("analysis_reports:index"), icon_name="doc-full", order=175
    )
