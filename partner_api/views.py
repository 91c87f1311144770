"""The partner API: Open311 GeoReport v2 under /open311/v2/ and the project's own JSON API under
/api/v1/. Both file through partner_api.filing and show a partner only its own cases."""

from datetime import datetime, time, timedelta

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import Case, Category
from portal.links import tracking_url

from . import errors, filing, serializers, statuses
from .auth import ApiKeyAuthentication, IsPartner, Open311KeyAuthentication, PartnerRateThrottle, partner_of
from .errors import open311_error
from .renderers import Open311XMLRenderer

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    # The schema is written in English, like its summaries.
    description=(
        "Any unique string (a UUID) per case. A retry with the same key and body returns the first "
        "response and files nothing; the same key with another body is refused with 422."
    ),
)
MAX_IDEMPOTENCY_KEY = 200
# Open311: without dates, the last 90 days; never more than this many requests in one answer.
DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000


def _raw_body(request):
    """The request's fields as sent, for the idempotency check (the key itself left out)."""
    data = request.data
    if hasattr(data, "getlist"):
        return {key: data.getlist(key) for key in data if key != "api_key"}
    return {key: value for key, value in data.items() if key != "api_key"} if isinstance(data, dict) else data


def _idempotency_key(request):
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise ValidationError(
            {"Idempotency-Key": [_("The idempotency key is too long (200 characters at most).")]}
        )
    return key


def _file(request, api, fields, respond):
    """File through the workflow once per idempotency key: a Response."""
    partner = partner_of(request)
    try:
        data, code, created = filing.file_case(
            partner,
            respond=respond,
            idempotency_key=_idempotency_key(request),
            content_hash=filing.body_hash({"api": api, "body": _raw_body(request)}),
            **fields,
        )
    except filing.IdempotencyConflict:
        message = _(
            "This Idempotency-Key was already used for a request with a different body; "
            "use a new key for a new case."
        )
        return None, message
    response = Response(data, status=code)
    if not created:
        response["Idempotent-Replayed"] = "true"
    return response, None


def _own_cases(request):
    return Case.objects.filter(partner_filing__partner=partner_of(request))


def _expected(case):
    if not case.reply_due:
        return None
    return timezone.make_aware(datetime.combine(case.reply_due, time(23, 59, 59))).isoformat()


def _service_name(code):
    return str(Category(code).label) if code in Category.values else code


# --- The project's own API -----------------------------------------------------------------------


class PartnerView:
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return errors.handle


def case_summary(case):
    return {
        "reference": case.reference,
        "category": case.category,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "is_open": case.is_open,
        "received_at": case.received_at,
        "updated_at": case.updated_at,
        "reply_due": case.reply_due,
    }


class CategoryList(PartnerView, APIView):
    @extend_schema(
        operation_id="categories_list",
        summary="The categories a case can be filed under",
        responses={200: serializers.CategorySerializer(many=True)},
    )
    def get(self, request):
        rows = [
            {"code": code, "name": str(label), "description": str(statuses.SERVICE_DESCRIPTIONS[code])}
            for code, label in Category.choices
        ]
        return Response(serializers.CategorySerializer(rows, many=True).data)


class CasePages(PageNumberPagination):
    page_size = 50


class CaseList(PartnerView, generics.GenericAPIView):
    serializer_class = serializers.CaseSummarySerializer
    pagination_class = CasePages

    def get_queryset(self):
        return _own_cases(self.request).order_by("-received_at", "-pk")

    @extend_schema(
        operation_id="cases_list",
        summary="The cases this partner filed, newest first",
        parameters=[
            OpenApiParameter("status", str, description="Only cases in this status (e.g. received, closed)."),
        ],
        responses={200: serializers.CaseSummarySerializer(many=True)},
    )
    def get(self, request):
        cases = self.get_queryset()
        wanted = request.query_params.get("status")
        if wanted:
            cases = cases.filter(status=wanted)
        page = self.paginate_queryset(cases)
        rows = serializers.CaseSummarySerializer([case_summary(c) for c in page], many=True).data
        return self.get_paginated_response(rows)

    @extend_schema(
        operation_id="cases_create",
        summary="File a case",
        request=serializers.CaseCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: serializers.CaseReceiptSerializer,
            400: OpenApiResponse(description='Field by field: {"field": ["message"]}'),
            422: serializers.ErrorSerializer,
        },
    )
    def post(self, request):
        payload = serializers.CaseCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = payload.case_fields()

        def respond(case, code):
            return dict(
                serializers.CaseReceiptSerializer(
                    {
                        "reference": case.reference,
                        "access_code": code,
                        "status": case.status,
                        "status_label": str(case.get_status_display()),
                        "received_at": case.received_at,
                        "reply_due": case.reply_due,
                        "tracking_url": tracking_url(case.reference, case.language),
                    }
                ).data
            )

        response, conflict = _file(request, "v1", fields, respond)
        if conflict:
            return Response({"detail": str(conflict)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return response


class CaseDetail(PartnerView, APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="One of this partner's cases, with the citizen's timeline",
        responses={200: serializers.CaseDetailSerializer, 404: serializers.ErrorSerializer},
    )
    def get(self, request, reference):
        case = _own_cases(request).filter(reference=reference).first()
        if case is None:
            raise NotFound(_("This partner filed no case with this reference."))
        data = {**case_summary(case), "subject": case.subject, "timeline": statuses.timeline(case)}
        return Response(serializers.CaseDetailSerializer(data).data)


# --- Open311 GeoReport v2 ------------------------------------------------------------------------


class Open311View(APIView):
    open311 = True
    authentication_classes = [ApiKeyAuthentication, Open311KeyAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]
    renderer_classes = [JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    def get_exception_handler(self):
        return errors.handle


def _open311_service(code, label):
    return {
        "service_code": code,
        "service_name": str(label),
        "description": str(statuses.SERVICE_DESCRIPTIONS[code]),
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


def _open311_request(case):
    return {
        "service_request_id": case.reference,
        "status": statuses.open311_status(case),
        "status_notes": str(statuses.latest_public_text(case)),
        "service_name": _service_name(case.category),
        "service_code": case.category,
        "service_notice": "",
        "requested_datetime": statuses.local_iso(case.received_at),
        "updated_datetime": statuses.local_iso(case.updated_at),
        "expected_datetime": _expected(case),
    }


OPEN311_ERRORS = {
    400: serializers.Open311ErrorSerializer(many=True),
    401: serializers.Open311ErrorSerializer(many=True),
    404: serializers.Open311ErrorSerializer(many=True),
    429: serializers.Open311ErrorSerializer(many=True),
}


class Open311Services(Open311View):
    xml_names = ("services", "service")
    # The list of services is public in GeoReport v2.
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Open311: the services (case categories), in the request's language",
        responses={200: serializers.Open311ServiceSerializer(many=True)},
    )
    def get(self, request, format=None):
        return Response([_open311_service(code, label) for code, label in Category.choices])


class Open311ServiceDefinition(Open311View):
    xml_names = ("service_definition", None)
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Open311: a service's definition (no extra attributes)",
        responses={200: serializers.Open311ServiceDefinitionSerializer, **OPEN311_ERRORS},
    )
    def get(self, request, service_code, format=None):
        if service_code not in Category.values:
            return open311_error(404, _("There is no service with this code."))
        return Response({"service_code": service_code, "attributes": []})


class Open311Requests(Open311View):
    xml_names = ("service_requests", "request")

    @extend_schema(
        summary="Open311: this partner's requests, by id or by date and status",
        parameters=[
            OpenApiParameter("service_request_id", str, description="Comma-separated references."),
            OpenApiParameter("service_code", str),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME),
            OpenApiParameter("status", str, description="open, closed or open,closed."),
        ],
        responses={200: serializers.Open311RequestSerializer(many=True), **OPEN311_ERRORS},
    )
    def get(self, request, format=None):
        cases = _own_cases(request)
        params = request.query_params
        ids = [part.strip() for part in params.get("service_request_id", "").split(",") if part.strip()]
        if ids:
            cases = cases.filter(reference__in=ids[:MAX_REQUESTS])
        else:
            end, start = self._dates(params)
            cases = cases.filter(received_at__lte=end, received_at__gte=start)
            if params.get("service_code"):
                cases = cases.filter(category__in=params["service_code"].split(","))
        wanted = {part.strip() for part in params.get("status", "").split(",") if part.strip()}
        if wanted - {"open", "closed"}:
            return open311_error(400, _("status: give open, closed or both."))
        rows = [
            _open311_request(case)
            for case in cases.order_by("-received_at", "-pk")[:MAX_REQUESTS]
            if not wanted or statuses.open311_status(case) in wanted
        ]
        return Response(rows)

    @staticmethod
    def _dates(params):
        def parse(name):
            value = params.get(name)
            if not value:
                return None
            moment = parse_datetime(value.replace(" ", "+"))
            if moment is None:
                raise ValidationError(
                    {name: [_("Give a date and time in ISO 8601 (2027-01-31T09:00:00+08:00).")]}
                )
            return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

        end = parse("end_date") or timezone.now()
        start = parse("start_date") or end - DEFAULT_WINDOW
        return end, start

    @extend_schema(
        summary="Open311: file a service request (a case)",
        request=serializers.Open311RequestCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: serializers.Open311ReceiptSerializer(many=True), **OPEN311_ERRORS},
    )
    def post(self, request, format=None):
        payload = serializers.Open311RequestCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account_id = payload.validated_data.get("account_id") or None
        fields = payload.case_fields(translation.get_language())

        def respond(case, code):
            notice = (
                _("We reply by %(date)s.") % {"date": case.reply_due.isoformat()} if case.reply_due else ""
            )
            return [
                {
                    "service_request_id": case.reference,
                    "token": None,
                    "service_notice": str(notice),
                    "account_id": account_id,
                    "access_code": code,
                }
            ]

        response, conflict = _file(request, "open311", fields, respond)
        if conflict:
            return open311_error(422, conflict)
        return response


class Open311Request(Open311View):
    xml_names = ("service_requests", "request")

    @extend_schema(
        summary="Open311: one of this partner's requests",
        responses={200: serializers.Open311RequestSerializer(many=True), **OPEN311_ERRORS},
    )
    def get(self, request, service_request_id, format=None):
        case = _own_cases(request).filter(reference=service_request_id).first()
        if case is None:
            return open311_error(404, _("This partner filed no request with this id."))
        return Response([_open311_request(case)])
