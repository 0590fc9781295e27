import pytest


@pytest.fixture(autouse=True)
def _no_pace_or_approval(settings):
    """Tests about the anti-flood rules turn them back on themselves."""
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0
