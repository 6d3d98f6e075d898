"""At the meeting: a member's one-tap check-in (with the venue's code if the chair switched it
on), the chair's and secretary's controls (open and close check-in, the roll, the live quorum
card, open votes), votes in the room, the absentee ballot question by question, and a
member's own attendance history (/myattendance)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import CHOICES, choice_label, controls, quorum_text, vote_keyboard
from bot.render import render
from handlers.ui import WizardText, edit, inline, quote, short
from models import Choice, MeetingForm, Presence
from services import attendance, meetings, votes
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.attendance import AttendCb, BallotCb, HandCb, RollCb, VoteAdmin, VoteCb

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")
hints.message.filter(F.chat.type == "private")

CHOICE = {"f": Choice.FOR, "a": Choice.AGAINST, "s": Choice.ABSTAIN}
CODE = {choice: code for code, choice in CHOICE.items()}
MARK = {"p": Presence.PRESENT, "a": Presence.ABSENT, "e": Presence.EXCUSED}
ROLL_PAGE = 8
HAND_ROWS = 30


class AtMeeting(StatesGroup):
    code = State()  # the code shown at the venue
    excuse = State()  # the reason of an excused absence (the roll)


# ---------------------------------------------------------------- a member's check-in


async def _checked_in(query: CallbackQuery, result: attendance.CheckedIn, clock: Clock) -> None:
    if result.already:
        await query.answer(_("You are already checked in."))
        return
    await query.answer(
        _("✅ Checked in online.") if result.status is Presence.ONLINE else _("✅ Checked in.")
    )


@router.callback_query(AttendCb.filter(F.action.in_({"in", "online"})))
async def check_in(
    query: CallbackQuery,
    callback_data: AttendCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    online = callback_data.action == "online"
    try:
        result = await attendance.check_in(
            session, actor, callback_data.meeting_id, clock.now(), online=online
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.NEED_CODE:
            raise
        await state.set_state(AtMeeting.code)
        await state.update_data(meeting_id=callback_data.meeting_id)
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.answer(_("Type the code shown in the room:"))
        return
    await _checked_in(query, result, clock)


@router.message(AtMeeting.code, WizardText())
async def code_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    result = await attendance.check_in(
        session, actor, data["meeting_id"], clock.now(), code=message.text
    )
    await state.clear()
    await message.answer(
        _("You are already checked in.") if result.already else _("✅ Checked in. Welcome!")
    )


# ---------------------------------------------------------------- the chair's controls


@router.callback_query(AttendCb.filter(F.action.in_({"open", "openc", "close"})))
async def switch_checkin(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    now = clock.now()
    if callback_data.action == "close":
        await attendance.close_checkin(session, actor, callback_data.meeting_id, now)
        await query.answer(_("Check-in is closed."))
    else:
        code = callback_data.action == "openc"
        meeting = await attendance.open_checkin(
            session, actor, callback_data.meeting_id, now, code=code
        )
        await query.answer(
            _("Check-in is open: members get «Check in». The code for the room: {code}").format(
                code=meeting.checkin_code
            )
            if code
            else _("Check-in is open: members get «Check in»."),
            show_alert=code,
        )
    await _quorum(query, session, actor, clock, callback_data.meeting_id)


async def _quorum(
    query: CallbackQuery, session: AsyncSession, actor: Actor, clock: Clock, meeting_id: int
) -> None:
    """The live quorum card: sent once; the scheduler edits it as people check in."""
    now = clock.now()
    view = await meetings.get(session, actor, meeting_id)
    q = await attendance.quorum(session, actor, meeting_id, now)
    text = quorum_text(view, q)
    assert isinstance(query.message, Message)
    card = await query.message.answer(text, reply_markup=controls(view, q))
    if q.checkin_open or view.status.value == "published":
        await attendance.set_card(
            session, actor, meeting_id, card.chat.id, card.message_id, text, now
        )


@router.callback_query(AttendCb.filter(F.action == "quorum"))
async def show_quorum(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await _quorum(query, session, actor, clock, callback_data.meeting_id)
    await query.answer()


# ---------------------------------------------------------------- the roll


def _roll_page(
    meeting_id: int, rows: list[attendance.RegisterRow], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(rows) // ROLL_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = rows[page * ROLL_PAGE : (page + 1) * ROLL_PAGE]
    mark = {
        Presence.PRESENT: "✅",
        Presence.ONLINE: "💻",
        Presence.ABSENT: "❌",
        Presence.EXCUSED: "🟡",
        None: "❔",
    }
    lines = [_("<b>Roll call</b>: ✅ present, ❌ absent, 🟡 excused (with a reason).")]
    kb = InlineKeyboardBuilder()
    for n, row in enumerate(shown, start=page * ROLL_PAGE + 1):
        reason = f" — {quote(row.reason)}" if row.reason else ""
        lines.append(f"{n}. {mark[row.status]} {quote(row.name)}{reason}")
        for code, label in (("p", "✅"), ("a", "❌"), ("e", "🟡")):
            kb.button(
                text=f"{n} {label}",
                callback_data=RollCb(
                    meeting_id=meeting_id, person_id=row.person_id, mark=code, page=page
                ),
            )
    nav = []
    if page > 0:
        nav.append(("◀️", page - 1))
    if page + 1 < pages:
        nav.append(("▶️", page + 1))
    for label, target in nav:
        kb.button(
            text=label,
            callback_data=RollCb(meeting_id=meeting_id, person_id=0, mark="page", page=target),
        )
    sizes = [3] * len(shown) + ([len(nav)] if nav else [])
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


@router.callback_query(AttendCb.filter(F.action == "roll"))
async def show_roll(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor
) -> None:
    rows = await attendance.register(session, actor, callback_data.meeting_id)
    text, kb = _roll_page(callback_data.meeting_id, rows, 0)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(text, reply_markup=kb)


@router.callback_query(RollCb.filter())
async def roll_mark(
    query: CallbackQuery,
    callback_data: RollCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    if callback_data.mark == "page":
        rows = await attendance.register(session, actor, callback_data.meeting_id)
        await query.answer()
    else:
        presence = MARK.get(callback_data.mark)
        if presence is None:
            raise DomainError(ErrorCode.STALE)
        await attendance.roll(
            session, actor, callback_data.meeting_id, callback_data.person_id, presence, clock.now()
        )
        rows = await attendance.register(session, actor, callback_data.meeting_id)
        if presence is Presence.EXCUSED:
            await state.set_state(AtMeeting.excuse)
            await state.update_data(
                meeting_id=callback_data.meeting_id, person_id=callback_data.person_id
            )
            await query.answer(_("Excused. Type the reason (or /cancel to leave it out)."))
        else:
            await query.answer()
    text, kb = _roll_page(callback_data.meeting_id, rows, callback_data.page)
    await edit(query.message, text, kb)


@router.message(AtMeeting.excuse, WizardText())
async def excuse_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await attendance.roll(
        session,
        actor,
        data["meeting_id"],
        data["person_id"],
        Presence.EXCUSED,
        clock.now(),
        reason=message.text,
    )
    await state.clear()
    await message.answer(_("The reason is saved."))


# ---------------------------------------------------------------- votes


async def _votes_panel(
    message: Message, session: AsyncSession, actor: Actor, meeting_id: int, *, in_place: bool
) -> None:
    view = await meetings.get(session, actor, meeting_id)
    results = {r.item_id: r for r in await votes.results(session, meeting_id)}
    lines = [_("<b>Votes</b> — {topic}").format(topic=quote(view.topic))]
    kb = InlineKeyboardBuilder()
    for item in view.agenda:
        if not item.draft_decision:
            continue
        result = results.get(item.id)
        if result is not None:
            state = _("adopted") if result.adopted else _("not adopted")
            lines.append(
                _("{n}. closed: for {f}, against {a}, abstained {s} — {state}").format(
                    n=item.position,
                    f=result.tally.for_,
                    a=result.tally.against,
                    s=result.tally.abstain,
                    state=state,
                )
            )
        elif view.form is not MeetingForm.IN_PERSON:
            lines.append(_("{n}. by ballot").format(n=item.position))
        elif item.vote_open:
            voting = _("{n}. {title} — voting")
            lines.append(voting.format(n=item.position, title=quote(item.title)))
            kb.button(
                text=_("⏹ Close {n}").format(n=item.position),
                callback_data=VoteAdmin(action="close", item_id=item.id),
            )
            kb.button(
                text=_("✍️ By hand {n}").format(n=item.position),
                callback_data=VoteAdmin(action="hand", item_id=item.id),
            )
        else:
            lines.append(f"{item.position}. {quote(item.title)}")
            kb.button(
                text=_("🗳 Open {n}").format(n=item.position),
                callback_data=VoteAdmin(action="open", item_id=item.id),
            )
    kb.adjust(2)
    text = "\n".join(lines)
    if in_place:
        await edit(message, text, kb.as_markup())
    else:
        await message.answer(text, reply_markup=kb.as_markup())


@router.callback_query(AttendCb.filter(F.action == "votes"))
async def show_votes(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor
) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await _votes_panel(query.message, session, actor, callback_data.meeting_id, in_place=False)


@router.callback_query(VoteAdmin.filter(F.action.in_({"open", "close"})))
async def vote_admin(
    query: CallbackQuery,
    callback_data: VoteAdmin,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    if callback_data.action == "open":
        asked = await votes.open_vote(session, actor, callback_data.item_id, clock.now())
        await query.answer(
            _("The vote is open: {count} present voting members get it.").format(count=asked)
        )
        meeting_id = await votes.item_meeting(session, callback_data.item_id)
    else:
        result = await votes.close_vote(session, actor, callback_data.item_id, clock.now())
        q = result.quorum
        await query.answer(
            short(
                _(
                    "Closed: for {f}, against {a}, abstained {s}; present {p} of {m} — {state}."
                ).format(
                    f=result.tally.for_,
                    a=result.tally.against,
                    s=result.tally.abstain,
                    p=q.present,
                    m=q.members,
                    state=_("adopted") if result.adopted else _("not adopted"),
                )
            ),
            show_alert=True,
        )
        meeting_id = await votes.item_meeting(session, callback_data.item_id)
    await _votes_panel(query.message, session, actor, meeting_id, in_place=True)


def _by_hand(item_id: int, rows: list[votes.HandRow]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _(
            "✍️ <b>Votes given by hand</b> by members marked present on the roll (in the room "
            "without the bot). Tap what each of them voted; it is logged as recorded by you."
        )
    ]
    kb = InlineKeyboardBuilder()
    for n, row in enumerate(rows[:HAND_ROWS], start=1):  # Telegram: at most 100 buttons
        voted = choice_label(CODE[row.choice]) if row.choice is not None else "—"
        lines.append(f"{n}. {quote(row.name)}: {voted}")
        for code, mark in CHOICES:
            kb.button(
                text=f"{n} {mark}",
                callback_data=HandCb(item_id=item_id, person_id=row.person_id, choice=code),
            )
    if len(rows) > HAND_ROWS:
        lines.append(
            _("Shown: the first {shown} of {count}.").format(shown=HAND_ROWS, count=len(rows))
        )
    return "\n".join(lines), inline(kb, 3)


@router.callback_query(VoteAdmin.filter(F.action == "hand"))
async def by_hand(
    query: CallbackQuery, callback_data: VoteAdmin, session: AsyncSession, actor: Actor
) -> None:
    rows = await votes.by_hand_rows(session, actor, callback_data.item_id)
    if not rows:
        await query.answer(
            _("Nobody is marked present on the roll: mark them in «📋 Roll call» first."),
            show_alert=True,
        )
        return
    await query.answer()
    assert isinstance(query.message, Message)
    text, kb = _by_hand(callback_data.item_id, rows)
    await query.message.answer(text, reply_markup=kb)


@router.callback_query(HandCb.filter())
async def hand_vote(
    query: CallbackQuery, callback_data: HandCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    choice = CHOICE.get(callback_data.choice)
    if choice is None:
        raise DomainError(ErrorCode.STALE)
    await votes.record_by_hand(
        session, actor, callback_data.item_id, callback_data.person_id, choice, clock.now()
    )
    rows = await votes.by_hand_rows(session, actor, callback_data.item_id)
    await query.answer(_("Recorded."))
    assert isinstance(query.message, Message)
    text, kb = _by_hand(callback_data.item_id, rows)
    await edit(query.message, text, kb)


@router.callback_query(VoteCb.filter())
async def vote(
    query: CallbackQuery, callback_data: VoteCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    choice = CHOICE.get(callback_data.choice)
    if choice is None:
        raise DomainError(ErrorCode.STALE)
    await votes.cast(session, actor, callback_data.item_id, choice, clock.now())
    meeting_id = await votes.item_meeting(session, callback_data.item_id)
    view = await meetings.get(session, actor, meeting_id)
    assert isinstance(query.message, Message)
    if view.form is MeetingForm.IN_PERSON:
        await query.answer(
            _("Your vote: {choice}. You can change it until the vote closes.").format(
                choice=choice_label(callback_data.choice)
            )
        )
        return
    await query.answer(_("Saved: {choice}.").format(choice=choice_label(callback_data.choice)))
    await _ballot_step(query.message, session, actor, clock, meeting_id, in_place=True)


# ---------------------------------------------------------------- the ballot


async def _ballot_step(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    meeting_id: int,
    *,
    in_place: bool,
) -> None:
    questions = await votes.ballot(session, actor, meeting_id, clock.now())
    view = await meetings.get(session, actor, meeting_id)
    left = [q for q in questions if q.answer is None]
    done = len(questions) - len(left)
    if not left:
        lines = [_("🗳 <b>Your ballot is complete.</b> Thank you! Your answers:")]
        for q in questions:
            assert q.answer is not None
            code = next(c for c, v in CHOICE.items() if v is q.answer)
            lines.append(f"{q.position}. {quote(q.title)} — {choice_label(code)}")
        lines.append(
            _("You can change an answer until the ballot closes: tap «Fill in the ballot» again.")
        )
        kb = InlineKeyboardBuilder()
        for q in questions:
            kb.button(
                text=_("Change {n}").format(n=q.position),
                callback_data=BallotCb(meeting_id=meeting_id, item_id=q.item_id),
            )
        text, markup = "\n".join(lines), inline(kb, 4)
    else:
        current = left[0]
        text = render(
            "meeting_ballot.html",
            m=view,
            q=current,
            step=done + 1,
            total=len(questions),
        )
        markup = vote_keyboard(current.item_id)
    if in_place:
        await edit(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


@router.callback_query(BallotCb.filter())
async def ballot(
    query: CallbackQuery, callback_data: BallotCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    if callback_data.item_id:  # «Change n»: that question again
        item_id, meeting_id = callback_data.item_id, callback_data.meeting_id
        questions = await votes.ballot(session, actor, meeting_id, clock.now())
        view = await meetings.get(session, actor, meeting_id)
        found = [q for q in questions if q.item_id == item_id]
        if not found:
            raise DomainError(ErrorCode.STALE)
        await query.answer()
        text = render(
            "meeting_ballot.html",
            m=view,
            q=found[0],
            step=found[0].position,
            total=len(questions),
        )
        await query.message.answer(text, reply_markup=vote_keyboard(item_id))
        return
    # The answer after the step: a ballot that has closed is refused in the answer itself.
    await _ballot_step(
        query.message, session, actor, clock, callback_data.meeting_id, in_place=False
    )
    await query.answer()


# ---------------------------------------------------------------- my attendance


@router.message(Command("myattendance"), StateFilter("*"))
async def my_attendance(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    rows = await attendance.history(session, actor)
    label = {
        Presence.PRESENT: _("present"),
        Presence.ONLINE: _("online"),
        Presence.ABSENT: _("absent"),
        Presence.EXCUSED: _("excused"),
        None: _("not marked"),
    }
    lines = [_("<b>My attendance</b>")]
    lines += [
        f"{row.day:%d.%m.%Y} — {quote(row.topic)} ({quote(row.association)}): {label[row.status]}"
        for row in rows
    ] or [_("No meetings have taken place yet.")]
    await message.answer("\n".join(lines))


@hints.message(StateFilter(AtMeeting))
async def hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))
