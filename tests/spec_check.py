"""Validate demo-server responses against the providers' published OpenAPI excerpts.

OpenAPI 3.0 / Swagger 2.0 schemas are turned into JSON Schema (nullable → null type,
refs kept and resolved inside the same document) and checked with jsonschema.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema


def _find_specs() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "specs"
        if candidate.is_dir():
            return candidate
        candidate = parent.parent / "shared" / "specs"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("../shared/specs not found")


# Where the real servers send what their own spec says they cannot, the spec is relaxed here,
# one line per upstream defect (PROVIDERS.md, "Corrections read in the providers' own source").
# The demo serves the real shape, so without these it could not validate.
UPSTREAM_DEFECTS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "waldur": [
        # Invoice.due_date is a model property, None while invoice_date is (pending invoices).
        ("Invoice", "due_date", {"type": ["string", "null"]}),
        # issuer_details is the WALDUR_INVOICES["ISSUER_DETAILS"] settings dict as-is, not
        # CustomerDetails (e.g. "country": "Estonia", beyond maxLength 2; "phone" an object).
        ("Invoice", "issuer_details", {"type": "object"}),
        # resource is SET_NULL on delete, and DRF returns null through the None.
        ("InvoiceItem", "resource_uuid", {"type": ["string", "null"]}),
        ("InvoiceItem", "resource_name", {"type": ["string", "null"]}),
        # get_billing_type() is None for items without a plan component (credit items).
        ("InvoiceItem", "billing_type", {"type": ["string", "null"]}),
    ],
}


@cache
def load_spec(provider: str) -> dict[str, Any]:
    path = _find_specs() / f"{provider}.openapi.json"
    spec = _to_json_schema(json.loads(path.read_text()))
    for schema, prop, replacement in UPSTREAM_DEFECTS.get(provider, []):
        spec["components"]["schemas"][schema]["properties"][prop] = replacement
    return spec  # type: ignore[no-any-return]


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_json_schema(v) for k, v in node.items() if k not in ("example", "examples")}
    if "$ref" in out and len(out) > 1:
        # Swagger/OpenAPI 3.0 ignore siblings of $ref; JSON Schema draft 4 too.
        out = {"$ref": out["$ref"]}
    if out.get("nullable") is True:
        out.pop("nullable")
        if "type" in out:
            t = out["type"]
            out["type"] = [*t, "null"] if isinstance(t, list) else [t, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out or "allOf" in out or "oneOf" in out or "anyOf" in out:
            out = {"anyOf": [out, {"type": "null"}]}
    if out.get("type") == "file":
        out.pop("type")
    if "format" in out:
        out.pop("format")  # int64/float64/date-time are not checked by draft 4 anyway
    return out


def response_schema(provider: str, method: str, path: str, status: str = "200") -> dict[str, Any]:
    """The JSON Schema of one documented response, with the spec's components alongside."""
    spec = load_spec(provider)
    op = spec["paths"][path][method.lower()]
    response = op["responses"][status]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = spec["components"]["responses"][name]
    if "schema" in response:  # swagger 2
        schema = response["schema"]
    else:
        content = response["content"]
        media = next(iter(content.values()))
        schema = media["schema"]
    doc = copy.copy(schema)
    if "definitions" in spec:
        doc = {**doc, "definitions": spec["definitions"]}
    if "components" in spec:
        doc = {**doc, "components": spec["components"]}
    return doc


def validate(provider: str, method: str, path: str, body: Any, status: str = "200") -> None:
    """Raise jsonschema.ValidationError when body does not match the documented response."""
    schema = response_schema(provider, method, path, status)
    jsonschema.Draft4Validator(schema).validate(body)


def validate_against(provider: str, schema_ref: str, body: Any) -> None:
    """Validate against one named schema, e.g. '#/components/schemas/Invoice'."""
    spec = load_spec(provider)
    doc: dict[str, Any] = {"$ref": schema_ref}
    if "definitions" in spec:
        doc["definitions"] = spec["definitions"]
    if "components" in spec:
        doc["components"] = spec["components"]
    jsonschema.Draft4Validator(doc).validate(body)
