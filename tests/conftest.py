from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from tests.browser_support import browser, live_world, page  # noqa: F401  (browser fixtures)
from tests.factories import World, build_world


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: the page caches (`tallies.cache`) live in the process, and a
    test's rolled-back transaction takes the generation they are keyed on back where it was."""
    cache.clear()
    yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World):
    """client_for("secretary") -> a Django test client logged in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(getattr(world, persona))
        return client

    return make
