"""Open311 GeoReport v2's XML: the spec's root and element names, built with xml.etree."""

from xml.etree import ElementTree

from rest_framework.renderers import BaseRenderer

# A list under these names holds elements of the singular name.
ITEM_NAMES = {"attributes": "attribute", "values": "value", "services": "service", "errors": "error"}


def _append(parent, name, value):
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(element, ITEM_NAMES.get(name, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


class Open311XMLRenderer(BaseRenderer):
    """A list renders as <root><item>…</item>…</root>, the view naming root and item
    (services/service, service_requests/request); errors as <errors><error>…</error></errors>."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            root_name, item_name = "errors", "error"
        else:
            root_name, item_name = getattr(view, "xml_names", ("response", "item"))
        if isinstance(data, dict) and item_name is None:
            root = ElementTree.Element(root_name)
            for key, value in data.items():
                _append(root, key, value)
        else:
            root = ElementTree.Element(root_name)
            for item in data if isinstance(data, list) else [data]:
                _append(root, item_name or "item", item)
        body = ElementTree.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()
