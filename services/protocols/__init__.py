"""Protocols (DOMAIN.md, "Protocol"): drafted from what happened at the meeting, completed by
the minutes keeper, signed by the presiding person and the keeper, issued to the members and
the association's interested persons within a calendar month, kept by school year.

The draft is made when the meeting ends (`on_meeting_end`, in the transaction that ends it):
it is numbered then, in meeting order, per association and school year, and snapshots the
attendance, the agenda and the votes. A meeting without attendance gets no draft: the keeper
is told what is missing and makes it (`make`) once the roll is marked. While the protocol is
not issued, the keeper and the chair are reminded at +7, +21 and +28 days, and after the due
day the chair and the methodists are told it is overdue.

The package, by what a reader looks for:

- `views`: `ProtocolView` (what this person may do with it: `can_edit`, `can_correct`,
  `signs_as`, `require_edit`, `question`), who may read and export; `get`, `load`;
- `snapshot`: what the draft records of the meeting; `drafting`: numbering, the draft,
  `on_meeting_end`, `make`; `reminders`: reminders and the overdue flag;
- `completion`: «Слушали», «Решили», guests, attachments;
- `signing`: the two signatures, issuing, a correction; `delivery`: the copies, the stored
  files, which claimed rows are still wanted;
- `school_year`: the archive of a school year and its export; `interested`: interested
  persons; `kinds`: outbox kinds; `queries`: every select the package runs.
"""

from services.protocols.completion import (
    ATTACHMENTS_MAX,
    DECISION_MAX,
    GUESTS_MAX,
    HEARD_MAX,
    POSITION_MAX,
    add_guests,
    attach,
    clear_attachments,
    clear_guests,
    heard_length,
    join_heard,
    parse_guests,
    set_decision,
    set_heard,
    set_spoke,
)
from services.protocols.delivery import keep_files, recipients, stored_files, unwanted
from services.protocols.drafting import make, on_meeting_end
from services.protocols.interested import (
    RECIPIENTS_MAX,
    Recipient,
    add_recipients,
    recipient_list,
    remove_recipient,
    unsubscribe,
)
from services.protocols.kinds import (
    COPY,
    DRAFT,
    KINDS,
    MISSING,
    OVERDUE,
    REMINDER,
    SIGN,
)
from services.protocols.reminders import REMIND_AFTER_DAYS, REMIND_AT
from services.protocols.school_year import Archive, ArchiveRow, archive, signed_of_year
from services.protocols.signing import Signed, correct, sign
from services.protocols.views import (
    ProtocolView,
    get,
    load,
    load_of_meeting,
    meeting_day,
    of_meeting,
)

__all__ = [
    "ATTACHMENTS_MAX",
    "COPY",
    "DECISION_MAX",
    "DRAFT",
    "GUESTS_MAX",
    "HEARD_MAX",
    "KINDS",
    "MISSING",
    "OVERDUE",
    "POSITION_MAX",
    "RECIPIENTS_MAX",
    "REMINDER",
    "REMIND_AFTER_DAYS",
    "REMIND_AT",
    "SIGN",
    "Archive",
    "ArchiveRow",
    "ProtocolView",
    "Recipient",
    "Signed",
    "add_guests",
    "add_recipients",
    "archive",
    "attach",
    "clear_attachments",
    "clear_guests",
    "correct",
    "get",
    "heard_length",
    "join_heard",
    "keep_files",
    "load",
    "load_of_meeting",
    "make",
    "meeting_day",
    "of_meeting",
    "on_meeting_end",
    "parse_guests",
    "recipient_list",
    "recipients",
    "remove_recipient",
    "set_decision",
    "set_heard",
    "set_spoke",
    "sign",
    "signed_of_year",
    "stored_files",
    "unsubscribe",
    "unwanted",
]
