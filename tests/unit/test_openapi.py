from __future__ import annotations

import re

from openapi_spec_validator import validate

from edge.openapi import document
from edge.routes import routes


def test_the_openapi_document_is_valid_openapi_3_1() -> None:
    validate(document())


def test_the_openapi_document_describes_every_route_and_method() -> None:
    paths = document()["paths"]
    for route in routes:
        assert route.path in paths, route.path
        assert route.methods is not None
        assert route.methods is not None
        for method in route.methods - {"HEAD"}:
            assert method.lower() in paths[route.path], (route.path, method)


def test_every_documented_operation_documents_its_errors_with_the_error_shape() -> None:
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            statuses = operation["responses"]
            if path.startswith("/v1/invoices"):
                assert {"401", "404", "502", "504"} <= set(statuses), (path, method)
            for status, answer in statuses.items():
                if status.startswith(("4", "5")):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
                    assert re.search(r"codes: [a-z_]+", answer["description"])
