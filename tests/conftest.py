import pytest
from workspaces import copy_workspace


@pytest.fixture
def workspace_factory(tmp_path):
    return lambda slugs: copy_workspace(tmp_path, slugs)
