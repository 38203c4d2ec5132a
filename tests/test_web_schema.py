"""schemathesis against `/api/openapi.json`: every JSON route, fed generated parameters (a bounded
number per route), answers without a server error, with a documented status and content type, and
with a body that fits its schema."""
from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)
from hypothesis import HealthCheck, given, settings
from web_atlas import atlas_copy, built_atlas  # noqa: F401

from jumelage.web import Settings, create_app

EXAMPLES = 15  # per operation
# what the API promises; not "any schema-valid request is accepted": a pagination cursor is
# opaque, so a made-up one is refused (422) as the docs say
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def test_the_api_keeps_its_schema(atlas_copy: dict[str, Any]) -> None:  # noqa: F811
    app = create_app(atlas_copy["url"], Settings(secret_key="schema-tests"))
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        check()
