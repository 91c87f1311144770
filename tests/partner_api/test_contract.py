"""Contract tests driven by the generated OpenAPI schema: every documented operation is called and
its answer validated against the response schema the documentation promises."""

import copy
import json
import re

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from .conftest import CASE, file_case


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def resolved(schema, node):
    """The node with every $ref inlined and OpenAPI's `nullable` turned into JSON Schema."""
    if isinstance(node, list):
        return [resolved(schema, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return resolved(schema, schema["components"]["schemas"][name])
    out = {key: resolved(schema, value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def response_schema(schema, path, method, status):
    operation = schema["paths"][path][method]
    content = operation["responses"][str(status)]["content"]
    return resolved(schema, content["application/json"]["schema"])


def check(schema, path, method, response):
    assert str(response.status_code) in schema["paths"][path][method]["responses"], (
        f"{method.upper()} {path} answered {response.status_code}, which the schema does not document"
    )
    jsonschema.validate(response.json(), response_schema(schema, path, method, response.status_code))


def request_example(schema, path, method):
    """A request body built from the documented required fields (and a valid value for each)."""
    body = schema["paths"][path][method]["requestBody"]["content"]
    kind = "application/json" if "application/json" in body else next(iter(body))
    return kind, resolved(schema, body[kind]["schema"])


def test_the_schema_documents_both_apis_and_the_key(schema):
    paths = set(schema["paths"])
    assert {"/api/v1/categories/", "/api/v1/cases/", "/api/v1/cases/{reference}/"} <= paths
    assert {
        "/open311/v2/services.json",
        "/open311/v2/requests.xml",
        "/open311/v2/requests/{service_request_id}.json",
    } <= paths
    assert not any(path.startswith("/admin/") for path in paths)
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Authorization: Api-Key <key>`",
    }
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])


def test_every_json_operation_answers_as_documented(schema, api):
    called = set()

    # The documented request body: filled from its own schema, so a renamed field breaks this test.
    _kind, body_schema = request_example(schema, "/api/v1/cases/", "post")
    assert set(body_schema["required"]) == {"subject", "content", "category"}
    category = body_schema["properties"]["category"]
    assert "complaint" in json.dumps(category)
    created = file_case(api, key="contract-1")
    check(schema, "/api/v1/cases/", "post", created)
    called.add(("/api/v1/cases/", "post"))
    reference = created.json()["reference"]

    for path, method, response in [
        ("/api/v1/categories/", "get", api.get("/api/v1/categories/")),
        ("/api/v1/cases/", "get", api.get("/api/v1/cases/")),
        ("/api/v1/cases/{reference}/", "get", api.get(f"/api/v1/cases/{reference}/")),
        ("/api/v1/cases/{reference}/", "get", api.get("/api/v1/cases/MY-1999-000001/")),
        ("/api/v1/cases/", "post", file_case(api, key="contract-1", body={**CASE, "subject": "Other"})),
        ("/open311/v2/services.json", "get", api.get("/open311/v2/services.json")),
        ("/open311/v2/services/{service_code}.json", "get", api.get("/open311/v2/services/help.json")),
        ("/open311/v2/services/{service_code}.json", "get", api.get("/open311/v2/services/nope.json")),
        (
            "/open311/v2/requests.json",
            "post",
            api.post(
                "/open311/v2/requests.json", {"service_code": "inquiry", "description": "Open on Saturday?"}
            ),
        ),
        ("/open311/v2/requests.json", "post", api.post("/open311/v2/requests.json", {"service_code": "x"})),
        ("/open311/v2/requests.json", "get", api.get("/open311/v2/requests.json")),
        (
            "/open311/v2/requests/{service_request_id}.json",
            "get",
            api.get(f"/open311/v2/requests/{reference}.json"),
        ),
    ]:
        check(schema, path, method, response)
        called.add((path, method))

    documented = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if not path.endswith(".xml")
    }
    assert called == documented, "an operation of the schema has no contract test"


def test_the_xml_operations_are_documented_as_xml_only(schema):
    for path, item in schema["paths"].items():
        for operation in item.values():
            for response in operation["responses"].values():
                kinds = set(response.get("content", {}))
                if path.endswith(".xml"):
                    assert kinds <= {"text/xml"}
                elif path.startswith("/open311/"):
                    assert kinds <= {"application/json"}


def test_the_documented_limits_are_the_enforced_ones(schema, api):
    _kind, body_schema = request_example(schema, "/api/v1/cases/", "post")
    longest = body_schema["properties"]["subject"]["maxLength"]
    too_long = file_case(api, body={**CASE, "subject": "x" * (longest + 1)})
    assert too_long.status_code == 400
    assert "subject" in too_long.json()
    just_right = file_case(api, body={**CASE, "subject": "x" * longest})
    assert just_right.status_code == 201


def test_the_schema_and_the_docs_page_are_served_without_a_key(client, db):
    yaml = client.get("/api/schema/")
    assert yaml.status_code == 200
    assert b"openapi: 3" in yaml.content
    as_json = client.get("/api/schema/?format=json")
    assert as_json.status_code == 200
    assert "/open311/v2/requests.json" in as_json.json()["paths"]
    docs = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "POST /api/v1/cases/" in page and "Idempotency-Key" in page
    # The header to send is shown whole, its placeholder as text rather than swallowed as a tag.
    assert "Authorization: Api-Key &lt;key&gt;" in page
    # The site's policy allows no script at all: the page needs none, from us or a CDN.
    assert "<script" not in page
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    assert not re.search(r"https?://(?!testserver)[^\"' ]+\.(js|css)", page)


def test_an_operation_missing_from_the_schema_would_be_noticed(schema):
    stripped = copy.deepcopy(schema)
    del stripped["paths"]["/api/v1/categories/"]
    assert ("/api/v1/categories/", "get") not in {(p, m) for p, i in stripped["paths"].items() for m in i}
