"""Council pages, one module a side of the app: public, joining, space,
management, animation. ``urls`` names them through this package."""

from .animation import animation, referent_withdraw
from .joining import invitation, join, join_withdraw, leave, mine
from .management import (
    archive,
    create,
    edit,
    invitation_revoke,
    invite,
    log,
    manage,
    member_remove,
    member_role,
    request_answer,
    request_refuse,
)
from .public import contact, detail, directory
from .space import members, space, transparency

__all__ = [
    "animation",
    "archive",
    "contact",
    "create",
    "detail",
    "directory",
    "edit",
    "invitation",
    "invitation_revoke",
    "invite",
    "join",
    "join_withdraw",
    "leave",
    "log",
    "manage",
    "member_remove",
    "member_role",
    "members",
    "mine",
    "referent_withdraw",
    "request_answer",
    "request_refuse",
    "space",
    "transparency",
]
