import pytest

from tests import factories


@pytest.fixture
def administrator(catalog):
    return factories.make_user("administrator")
