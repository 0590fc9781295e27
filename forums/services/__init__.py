"""Every write in the forums: forums, topics, posts, moderation, reports,
following, editor images.

Each service takes who acts, checks ``permissions``, writes in one
transaction, keeps the counters, logs moderation and tells the people
concerned through the notifications centre (``notifications.services.notify``).
Markdown is rendered and sanitised here, once, when text is saved. One module
a subject; import them from here.
"""

from ._shared import (
    DISPUTABLE,
    ERROR_ALREADY_REPORTED,
    ERROR_EMPTY,
    ERROR_FIRST_POST_OF_A_DISCUSSION,
    ERROR_LOCKED,
    ERROR_REASON_NEEDED,
    ERROR_REPLY_TOO_SOON,
    ERROR_REPORT_HANDLED,
    ERROR_TOO_LONG,
    ERROR_TOPIC_TOO_SOON,
    MODERATION_TITLES,
)
from .following import (
    subscription_toggle,
    topic_mark_read,
)
from .forums import (
    RESERVED_SLUGS,
    council_forum_create,
    national_forum_create,
)
from .images import (
    forum_images_cleanup,
)
from .moderation import (
    post_approve,
    post_hide,
    post_unhide,
    topic_lock,
    topic_move,
    topic_pin,
)
from .posts import (
    post_delete,
    post_edit,
    post_reply,
    reaction_toggle,
)
from .reports import (
    report_create,
    report_handle,
)
from .topics import (
    topic_create,
)
