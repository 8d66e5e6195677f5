"""Shared fixtures, and the markers that let the unit tests run alone (``make test-fast``).

A test is marked by what it waits for: ``slow`` if it builds authorities or rehearses their
notebooks, ``browser`` if it drives chromium, ``data`` if it reads the shared reference data
or seeds beside the repository. Most are marked here, by the fixtures they use or the file
they are in; the rest by a ``pytest.mark`` of their own.
"""

import pytest
from workspaces import copy_workspace

# Fixtures that build every bundled (or a planted) authority once for their tests.
BUILDS = {"batch", "built", "hostile"}
BROWSER = {"browser", "open_page"}
# Fixtures that read the shared reference data.
DATA = {"rebuilt", "raw_lait"}
# Files whose every test runs section notebooks: a batch, or validate's rehearsal of one.
SLOW_FILES = {"test_runner.py", "test_end_to_end.py", "test_hostile_inputs.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        used = set(item.fixturenames)
        if used & BUILDS or item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
        if used & BROWSER:
            item.add_marker(pytest.mark.browser)
        if used & DATA:
            item.add_marker(pytest.mark.data)


@pytest.fixture
def workspace_factory(tmp_path):
    return lambda slugs: copy_workspace(tmp_path, slugs)
