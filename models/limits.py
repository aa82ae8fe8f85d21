"""The one place for the size of every text a person or a file can give.

The columns are declared with these lengths and the services check input against the same
numbers, so nothing that SQLite would take is refused later by PostgreSQL.
"""

from __future__ import annotations

PERSON_NAME_MAX = 200
DISTRICT_NAME_MAX = 200
SCHOOL_FULL_NAME_MAX = 255
SCHOOL_SHORT_NAME_MAX = 64
EVENT_CODE_MAX = 64
EVENT_TITLE_MAX = 255
EVENT_PLACE_MAX = 255
EVENT_LINK_MAX = 500
EVENT_DESCRIPTION_MAX = 1000  # a Text column; the limit keeps a card within one message
CONFIRMATION_DESCRIPTION_MAX = 1000
REVIEW_COMMENT_MAX = 1000
FILE_NAME_MAX = 255
EVIDENCE_URL_MAX = 2000
CONTEST_TITLE_MAX = 255
DOCUMENT_TITLE_MAX = 255
CONTEST_PREFIX_MAX = 8  # «ЧР» in the entry number ЧР-2026-017
CONTEST_KEY_MAX = 300  # a door-check key: a kind, ids and a folded participant name
CONTEST_RULES_MAX = 3000
CONTEST_COMMENT_MAX = 1000
# ids that callback data or a form may carry: the columns are 32-bit integers on PostgreSQL
DB_ID_MAX = 2**31 - 1
# Telegram's own limits on what one message can carry
MESSAGE_TEXT_MAX = 4096
CAPTION_MAX = 1024
ALBUM_MAX = 10
ANNOUNCEMENT_QUESTION_MAX = 1000
ANNOUNCEMENT_ANSWER_MAX = 1000
