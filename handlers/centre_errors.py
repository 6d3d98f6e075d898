"""The refusals of centres over services (issue 18, item 2) in the user's language (merged
into `handlers.errors`'s table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import gettext as _

from services.errors import ErrorCode

Text = Callable[[dict[str, Any]], str]


def centre_texts() -> dict[ErrorCode, Text]:
    return {
        ErrorCode.CENTRE_NESTED: lambda p: _(
            "A centre groups services one level deep: a centre cannot join another centre, "
            "nor a service itself. Nothing was changed."
        ),
        ErrorCode.SELECTION_EMPTY: lambda p: _(
            "No service is chosen: tick at least one service (✅), or choose «all». "
            "Nothing was created."
        ),
    }
