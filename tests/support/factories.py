"""Help requests written through the services, with markup in their text so
every page that shows them is tested against injection, and line breaks in
their subject and name so every e-mail about them is built from them."""

from __future__ import annotations

import itertools

from support import services
from support.models import HelpRequest
from tests.accounts.factories import LINE_BREAKS, XSS

_numbers = itertools.count(1)


def help_request_submit(
    *, requester=None, council=None, department=None, **overrides
) -> HelpRequest:
    """A request sent now (the 24-hour clock starts), by ``requester`` or, when
    None, by a signed-out visitor."""
    number = next(_numbers)
    fields = {
        "subject": f"Demande {number}{LINE_BREAKS}{XSS}",
        "message": f"Le message de la demande {number}. {XSS}",
        "email": requester.email if requester is not None else f"visiteur{number}@example.org",
        "name": f"Visiteur{LINE_BREAKS}{number}",
        "council": council,
        "department": department,
        "requester": requester,
    }
    fields.update(overrides)
    return services.request_submit(**fields)
