"""Every write about councils: creation, public page, memberships, referents,
and the council's log.

These functions are the only code that grants or withdraws guardian
permissions on councils. Each takes who acts (``actor=``, or ``system=True``
for the site itself), checks that they may, writes in one transaction,
records the change in the council's log, and publishes its notifications or
sends its e-mails after commit. The other apps write their own lines in that
log with ``council_log_record``. One module a domain; import them from here.
"""

from ..models import INVITATION_MAX_AGE
from ._shared import (
    COORDINATOR_PERMISSIONS,
    ERROR_ALREADY_MEMBER,
    ERROR_ALREADY_REFERENT,
    ERROR_CONSENT_NEEDED,
    ERROR_CONSENT_NEEDED_INVITATION,
    ERROR_COUNCIL_ARCHIVED,
    ERROR_DUPLICATE_COUNCIL,
    ERROR_INVITATION_ARCHIVED,
    ERROR_INVITATION_INVALID,
    ERROR_INVITATION_OTHER_ADDRESS,
    ERROR_INVITATION_USED,
    ERROR_INVITEE_ALREADY_MEMBER,
    ERROR_LAST_COORDINATOR,
    ERROR_NO_COORDINATOR,
    ERROR_NO_COORDINATOR_TO_ASK,
    ERROR_NOT_REFERENT_THERE,
    ERROR_OWN_ADDRESS,
    ERROR_OWN_APPOINTMENT,
    ERROR_OWN_INVITATION,
    ERROR_OWN_REQUEST,
    ERROR_OWN_ROLE,
    ERROR_REASON_TOO_LONG,
    ERROR_REQUEST_ANSWERED,
    ERROR_REQUEST_PENDING,
    ERROR_SELF_ADMISSION,
    ERROR_TOO_MANY_INVITATIONS,
    ERROR_UNKNOWN_ROLE,
    INVITATION_KIND,
    INVITATION_SALT,
    JOIN_DECISION_KIND,
    JOIN_REQUEST_KIND,
    MEMBER_PERMISSIONS,
    OUTSIDE_CHANGE_KIND,
    REFERENT_PERMISSIONS,
)
from .council_log import (
    council_log_record,
    log_title,
)
from .councils import (
    contact_recipients,
    council_archive,
    council_contact,
    council_create,
    council_reactivate,
    council_touch,
    council_update,
)
from .invitations import (
    invitation_accept,
    invitation_from_token,
    invitation_is_for,
    invitation_revoke,
    invitation_send,
    invitation_token,
)
from .memberships import (
    _membership_grant,  # tests add members directly
    check_admission,
    join_request_accept,
    join_request_refuse,
    join_request_withdraw,
    membership_grant,
    membership_leave,
    membership_remove,
    membership_request,
    membership_role_change,
)
from .oversight import (
    membership_change_record,
)
from .referents import (
    referent_appoint,
    referent_withdraw,
)
from .transparency import (
    space_access_record,
)
