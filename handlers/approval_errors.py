"""The refusals of a plan's approval at a meeting, in the user's language (merged into
`handlers.errors`' table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import gettext as _

from services.errors import ErrorCode

Text = Callable[[dict[str, Any]], str]


def approval_texts() -> dict[ErrorCode, Text]:
    return {
        ErrorCode.PLAN_NOT_ADOPTED: lambda p: _(
            "The plan is not approved: no meeting adopted a decision to approve it (a vote with "
            "the decision quorum, more votes for than against and abstentions together, in a "
            "signed protocol). Nothing was changed."
        ),
        ErrorCode.PLAN_ON_AGENDA: lambda p: _(
            "The question of approving this plan is already on the meeting's agenda."
        ),
    }
