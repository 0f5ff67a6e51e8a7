"""Schemathesis against the API's own OpenAPI document, through WSGI (no server): every operation with
generated parameters, valid and invalid, as a staff member of the province (a token) over the shared
world. The only property asserted: no 5xx.

Bounded and deterministic: a fixed number of examples per operation, derandomised, no deadline (the
machine's speed never decides the outcome)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from dangvu.api.services import apitoken_create
from dangvu.wsgi import application
from tests.factories import World

MAX_EXAMPLES = 15


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go straight to the WSGI handler, which closes the database connection at the end of each
    request; inside the test's transaction (PostgreSQL) that would end it. Django's test client
    detaches the same handlers for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world: World, keep_connection: None) -> str:
    return apitoken_create(actor=None, user=world.province_staff, name="schemathesis")[1]


# The document needs no database and no credentials: load it once, at collection.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
