"""The OpenAPI schema (drf-spectacular) and a documentation page rendered from it on the server:
no script, no CDN, so it works under the site's Content-Security-Policy."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator

PUBLIC_PREFIXES = ("/api/v1/", "/open311/v2/")
METHODS = ("get", "post", "put", "patch", "delete")


def only_partner_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: the partner API only (the Wagtail admin has DRF views too)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIXES)]


OPEN311_OPERATIONS = {
    ("services", "get"): "open311_services_list",
    ("services/{service_code}", "get"): "open311_service_definition",
    ("requests", "get"): "open311_requests_list",
    ("requests", "post"): "open311_requests_create",
    ("requests/{service_request_id}", "get"): "open311_request_retrieve",
}


def open311_formats(result, **kwargs):
    """drf-spectacular postprocessing hook: an Open311 path ending in .json answers JSON only and
    one ending in .xml XML only; their operation ids read open311_requests_list_json."""
    suffix_types = {".json": "application/json", ".xml": "text/xml"}
    for path, item in result.get("paths", {}).items():
        wanted = next((kind for suffix, kind in suffix_types.items() if path.endswith(suffix)), None)
        if wanted is None:
            continue
        base = path[len("/open311/v2/") : path.rindex(".")]
        for method, operation in item.items():
            name = OPEN311_OPERATIONS.get((base, method), operation["operationId"])
            operation["operationId"] = f"{name}_{path.rsplit('.', 1)[1]}"
            # The path's suffix chooses the format; a ?format= parameter changes nothing there.
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if (p["in"], p["name"]) != ("query", "format")
            ]
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                for kind in list(content):
                    if kind != wanted:
                        del content[kind]
    return result


def generate(request=None):
    return SchemaGenerator().get_schema(request=request, public=True)


def _ref_name(schema):
    schema = schema or {}
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        inner = _ref_name(schema.get("items"))
        return f"[{inner}]" if inner else "array"
    return schema.get("type", "")


def _type(prop):
    if "$ref" in prop:
        return _ref_name(prop)
    if "allOf" in prop:
        return " ".join(_ref_name(part) for part in prop["allOf"])
    if "oneOf" in prop:
        return " | ".join(_ref_name(part) for part in prop["oneOf"])
    kind = prop.get("type", "")
    if kind == "array":
        return f"[{_type(prop.get('items', {}))}]"
    if prop.get("format"):
        kind = f"{kind} ({prop['format']})"
    if prop.get("nullable"):
        kind = f"{kind}, null"
    return kind


def _components(schema):
    rows = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        fields = [
            {
                "name": field,
                "type": _type(prop),
                "required": field in required,
                "read_only": prop.get("readOnly", False),
                "description": prop.get("description", ""),
                "enum": prop.get("enum", []),
                "max_length": prop.get("maxLength"),
            }
            for field, prop in component.get("properties", {}).items()
        ]
        rows.append(
            {
                "name": name,
                "fields": fields,
                "enum": component.get("enum", []),
                "description": component.get("description", ""),
            }
        )
    return rows


def _operations(schema):
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            rows.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": param["name"],
                            "in": param["in"],
                            "required": param.get("required", False),
                            "type": _type(param.get("schema", {})),
                            "description": param.get("description", ""),
                            "enum": param.get("schema", {}).get("enum", []),
                        }
                        for param in operation.get("parameters", [])
                    ],
                    "request": [
                        {"content_type": kind, "schema": _ref_name(value.get("schema"))}
                        for kind, value in body.items()
                    ],
                    "responses": [
                        {
                            "code": code,
                            "description": response.get("description", ""),
                            "content": [
                                {"content_type": kind, "schema": _ref_name(value.get("schema"))}
                                for kind, value in response.get("content", {}).items()
                            ],
                        }
                        for code, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return rows


def docs(request):
    schema = generate()
    return render(
        request,
        "partner_api/docs.html",
        {
            "title": _("API for partner systems"),
            "info": schema.get("info", {}),
            "operations": _operations(schema),
            "components": _components(schema),
        },
    )
