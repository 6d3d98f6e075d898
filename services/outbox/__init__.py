"""The outbox: every message the bot must send later is a row here; the database is the truth.

Rows are enqueued inside the caller's transaction (so an announcement and its messages commit
together) with a unique dedupe key that includes the object's revision, and never twice
(`enqueue`, `fan_out`; every key is built by `keys`). A tick claims due rows (`claim`), the
sender marks each call as started before it makes it (`mark_started`) and records the
outcome right after (`record_*`). A row left `sending` by a dead process comes back after
its lease (`recover`): if its call had started, it is counted as in doubt, since the Bot API
has no idempotency key and that call may have been delivered.

Every insert, update or delete of outbox rows is a function of this package:

=================  ============================================================
module             holds
=================  ============================================================
``keys``           every group key, dedupe key and prefix; reading a key back
``enqueue``        `Outgoing`, `enqueue`, `each_person`, `fan_out`
``claim``          the tick: `anything_to_do`, `recover`, `claim`, `mark_started`,
                   `cancel` (claimed rows no longer wanted), `release`
``outcomes``       `Failure`, `record_sent` / `_failed` / `_retry` / `_part`, backoff
``groups``         `cancel_group`, `cancel_prefix`, `requeue_not_joined`,
                   `group_status`, `group_failures`, `group_outcomes`, `backlog`
``retention``      `purge_finished` (housekeeping)
``window``         the sending window: `in_window`, `reminder_due`
``queries``        the SELECT builders
``wake``           this process's engine told, after a commit, that rows were enqueued
=================  ============================================================
"""

from . import keys as keys
from . import wake as wake
from .claim import NO_ANSWER_GIVEN_UP as NO_ANSWER_GIVEN_UP
from .claim import Claimed as Claimed
from .claim import Recovered as Recovered
from .claim import anything_to_do as anything_to_do
from .claim import cancel as cancel
from .claim import claim as claim
from .claim import mark_started as mark_started
from .claim import recover as recover
from .claim import release as release
from .enqueue import Outgoing as Outgoing
from .enqueue import each_person as each_person
from .enqueue import enqueue as enqueue
from .enqueue import fan_out as fan_out
from .enqueue import insert_for as insert_for
from .groups import Backlog as Backlog
from .groups import Failed as Failed
from .groups import GroupStatus as GroupStatus
from .groups import Outcome as Outcome
from .groups import backlog as backlog
from .groups import cancel_group as cancel_group
from .groups import cancel_prefix as cancel_prefix
from .groups import group_failures as group_failures
from .groups import group_outcomes as group_outcomes
from .groups import group_status as group_status
from .groups import requeue_not_joined as requeue_not_joined
from .outcomes import BACKOFF_BASE as BACKOFF_BASE
from .outcomes import MAX_ATTEMPTS as MAX_ATTEMPTS
from .outcomes import MAX_DOUBTS as MAX_DOUBTS
from .outcomes import UNREACHABLE as UNREACHABLE
from .outcomes import Failure as Failure
from .outcomes import backoff as backoff
from .outcomes import record_failed as record_failed
from .outcomes import record_part as record_part
from .outcomes import record_retry as record_retry
from .outcomes import record_sent as record_sent
from .queries import PRIORITY_DUE as PRIORITY_DUE
from .retention import FINAL as FINAL
from .retention import purge_finished as purge_finished
from .window import EVENT_MARGIN as EVENT_MARGIN
from .window import in_window as in_window
from .window import reminder_due as reminder_due
