"""The plan flows' FSM states (their names may sit in Redis: never renamed)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class PlanEdit(StatesGroup):
    field = State()  # a field of Приложение 1 typed
    direction = State()  # the row's own direction typed (or one of the nine tapped)
    topic = State()  # «Форма работы, тема»
    day = State()  # «Дата»
    kind = State()  # заседание / практический семинар / другое (buttons)
    venue = State()  # «Площадка»: a school searched by name, or free text
    responsible = State()  # «Ответственный исполнитель»: members by name, or typed names
    file = State()  # a filled XLSX template awaited
    preview = State()  # the import's preview shown: «Применить» / «Отмена»
