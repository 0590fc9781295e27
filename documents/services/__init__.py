"""Every write to a council's files and pages, and to the national resource
library: folders, uploads and versions, renames, moves, the trash, pages
written together, publishing, sharing a folder with another council.

Each function that acts for someone takes who acts, checks that they may,
and writes in one transaction; notifications and stored files follow after
commit. One module a subject; import them from here. Reads are in
``documents.selectors``.
"""

from ._shared import (
    ERROR_FOLDER_ELSEWHERE,
    ERROR_NAME_TAKEN,
    NEW_FILE,
    NEW_PAGE,
)
from .files import (
    ERROR_QUOTA,
    GIGABYTE,
    document_download_count,
    document_move,
    document_rename,
    document_upload,
)
from .folders import (
    ERROR_MOVE_INTO_ITSELF,
    folder_create,
    folder_move,
    folder_rename,
)
from .library import (
    resource_add,
    resource_delete,
    resource_download_count,
)
from .pages import (
    ERROR_EMPTY_PAGE,
    page_create,
    page_restore,
    page_save,
)
from .publishing import (
    item_publish,
)
from .sharing import (
    ERROR_SHARE_SELF,
    GUEST_DOWNLOADED,
    GUEST_OPENED,
    GUEST_THUMBNAIL_SEEN,
    THUMBNAIL_SEEN_AGAIN,
    folder_share,
    folder_unshare,
    guest_read_label,
    guest_visit_record,
)
from .thumbnails import (
    THUMBNAIL_SIZE_PX,
    missing_thumbnails_make,
    version_thumbnail_make,
)
from .trash import (
    item_restore,
    item_trash,
    trash_purge,
)
