"""Outbox keys are stored data: rows already in the database carry them, and the unique
dedupe key is what keeps a message from going out twice. Each literal below is what the code
of 5225caa built with its f-strings (meeting 12, revision 3, person 40, …); the keys module
must build exactly it, read it back to the same format and ids, and an outbox row written
with today's format must still be delivered exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.app import build_bot
from bot.config import Settings
from bot.db import create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR
from scheduler.engine import Delivery, EngineSettings
from scheduler.kinds import PROPOSAL, PROPOSAL_DECIDED, registry
from services import (
    alerts,
    analysis,
    announcements,
    attendance,
    broadcasts,
    compliance,
    databank,
    meetings,
    outbox,
    plans,
    protocols,
    schools,
    surveys,
)
from services.clock import FixedClock
from services.outbox import Outgoing, keys
from tests.factories import make_world, member_link, register
from tests.fakeapi import FakeTelegram

M, REV, P, CHAT, DAY = 12, 3, 40, -1001234567890, date(2026, 12, 15)

# (today's literal, the keys function, the format it parses back to, its fields)
KEYS: list[tuple[str, Callable[[], str], str, dict[str, int | date]]] = [
    # announcements (services/announcements.py)
    ("announcement:4", lambda: keys.announcement_group(4), "announcement_group",
     {"announcement_id": 4}),
    ("announcement:4:person=40", lambda: keys.announcement(announcement_id=4, person_id=P),
     "announcement", {"announcement_id": 4, "person_id": P}),
    # a broadcast's summary to its starter (services/broadcasts.py)
    ("broadcast:9", lambda: keys.broadcast_group(9), "broadcast_group", {"broadcast_id": 9}),
    ("broadcast:9:summary", lambda: keys.broadcast_summary(9), "broadcast_summary",
     {"broadcast_id": 9}),
    # surveys (services/surveys.py)
    ("survey:6", lambda: keys.survey_group(6), "survey_group", {"survey_id": 6}),
    ("survey:6:invite:40", lambda: keys.survey_invite(survey_id=6, person_id=P),
     "survey_invite", {"survey_id": 6, "person_id": P}),
    ("survey:6:remind:1:40", lambda: keys.survey_reminder(survey_id=6, stage=1, person_id=P),
     "survey_reminder", {"survey_id": 6, "stage": 1, "person_id": P}),
    # protocols (services/protocols.py)
    ("protocol:meeting:12", lambda: keys.protocol_group(M), "protocol_group",
     {"meeting_id": M}),
    ("protocol:8:v2", lambda: keys.protocol_copy_group(protocol_id=8, version=2),
     "protocol_copy_group", {"protocol_id": 8, "version": 2}),
    ("protocol:8:draft", lambda: keys.protocol_draft(8), "protocol_draft", {"protocol_id": 8}),
    ("protocol:meeting:12:remind:7:40",
     lambda: keys.protocol_reminder(meeting_id=M, after=7, person_id=P),
     "protocol_reminder", {"meeting_id": M, "after": 7, "person_id": P}),
    ("protocol:meeting:12:overdue:40", lambda: keys.protocol_overdue(meeting_id=M, person_id=P),
     "protocol_overdue", {"meeting_id": M, "person_id": P}),
    ("protocol:meeting:12:missing", lambda: keys.protocol_missing(M), "protocol_missing",
     {"meeting_id": M}),
    ("protocol:8:v2:r4:sign", lambda: keys.protocol_sign(protocol_id=8, version=2, revision=4),
     "protocol_sign", {"protocol_id": 8, "version": 2, "revision": 4}),
    ("protocol:8:v2:copy:40", lambda: keys.protocol_copy(protocol_id=8, version=2, person_id=P),
     "protocol_copy", {"protocol_id": 8, "version": 2, "person_id": P}),
    ("protocol:8:v2:copy:chat:-1001234567890",
     lambda: keys.protocol_copy_to_chat(protocol_id=8, version=2, chat_id=CHAT),
     "protocol_copy_to_chat", {"protocol_id": 8, "version": 2, "chat_id": CHAT}),
    # meetings: notices (services/meetings.py _publish, _enqueue_notices, cancel;
    # services/participation.py notices_for_newcomer)
    ("meeting:12:notice:3", lambda: keys.notice_group(M, REV), "meeting_notice_group",
     {"meeting_id": M, "revision": REV}),
    ("meeting:12:cancelled:3", lambda: keys.cancelled_group(M, REV), "meeting_cancelled_group",
     {"meeting_id": M, "revision": REV}),
    ("meeting:12:group:3", lambda: keys.chat_notice_group(M, REV), "meeting_chat_group",
     {"meeting_id": M, "revision": REV}),
    ("meeting:12:meeting_notice:rev=3:person=40",
     lambda: keys.notice(meeting_id=M, revision=REV, person_id=P),
     "meeting_notice", {"meeting_id": M, "revision": REV, "person_id": P}),
    ("meeting:12:meeting_notice:rev=3:chat=-1001234567890",
     lambda: keys.notice_to_chat(meeting_id=M, revision=REV, chat_id=CHAT),
     "meeting_notice_to_chat", {"meeting_id": M, "revision": REV, "chat_id": CHAT}),
    ("meeting:12:meeting_cancelled:rev=3:person=40",
     lambda: keys.cancelled(meeting_id=M, revision=REV, person_id=P),
     "meeting_cancelled", {"meeting_id": M, "revision": REV, "person_id": P}),
    ("meeting:12:meeting_cancelled:rev=3:chat=-1001234567890",
     lambda: keys.cancelled_to_chat(meeting_id=M, revision=REV, chat_id=CHAT),
     "meeting_cancelled_to_chat", {"meeting_id": M, "revision": REV, "chat_id": CHAT}),
    # meetings: planned messages
    ("meeting:12:reminders", lambda: keys.reminders_group(M), "meeting_reminders_group",
     {"meeting_id": M}),
    ("meeting:12:reminder:1440:rev=3:person=40",
     lambda: keys.reminder(meeting_id=M, minutes=1440, revision=REV, person_id=P),
     "meeting_reminder", {"meeting_id": M, "minutes": 1440, "revision": REV, "person_id": P}),
    ("meeting:12:ballot_reminders", lambda: keys.ballot_reminders_group(M),
     "meeting_ballot_reminders_group", {"meeting_id": M}),
    ("meeting:12:ballotrem:2:rev=3:person=40",
     lambda: keys.ballot_reminder(meeting_id=M, days=2, revision=REV, person_id=P),
     "meeting_ballot_reminder", {"meeting_id": M, "days": 2, "revision": REV, "person_id": P}),
    ("meeting:12:final", lambda: keys.final_agenda_group(M), "meeting_final_agenda_group",
     {"meeting_id": M}),
    ("meeting:12:final:rev=3:person=40",
     lambda: keys.final_agenda(meeting_id=M, revision=REV, person_id=P),
     "meeting_final_agenda", {"meeting_id": M, "revision": REV, "person_id": P}),
    ("meeting:12:draft", lambda: keys.draft_deadline_group(M), "meeting_draft_deadline_group",
     {"meeting_id": M}),
    ("meeting:12:draftdl:2026-12-15:2:person=40",
     lambda: keys.draft_deadline(meeting_id=M, day=DAY, before=2, person_id=P),
     "meeting_draft_deadline", {"meeting_id": M, "day": DAY, "before": 2, "person_id": P}),
    ("meeting:12:nudge", lambda: keys.nudge_group(M), "meeting_nudge_group", {"meeting_id": M}),
    ("meeting:12:nudge:2026-11-23:person=40",
     lambda: keys.nudge(meeting_id=M, day=date(2026, 11, 23), person_id=P),
     "meeting_nudge", {"meeting_id": M, "day": date(2026, 11, 23), "person_id": P}),
    # meetings: requests and proposals (services/meetings.py, services/participation.py)
    ("meeting:12:confirm", lambda: keys.confirm_group(M), "meeting_confirm_group",
     {"meeting_id": M}),
    ("meeting:12:confirm:v=5:person=40",
     lambda: keys.confirm(meeting_id=M, version=5, person_id=P),
     "meeting_confirm", {"meeting_id": M, "version": 5, "person_id": P}),
    ("meeting:12:decision", lambda: keys.decision_group(M), "meeting_decision_group",
     {"meeting_id": M}),
    ("meeting:12:decision:v=5", lambda: keys.decision(meeting_id=M, version=5),
     "meeting_decision", {"meeting_id": M, "version": 5}),
    ("meeting:12:proposals", lambda: keys.proposals_group(M), "meeting_proposals_group",
     {"meeting_id": M}),
    ("meeting:12:proposal=9:person=40",
     lambda: keys.proposal(meeting_id=M, proposal_id=9, person_id=P),
     "meeting_proposal", {"meeting_id": M, "proposal_id": 9, "person_id": P}),
    ("meeting:12:decided=9", lambda: keys.proposal_decided(meeting_id=M, proposal_id=9),
     "meeting_proposal_decided", {"meeting_id": M, "proposal_id": 9}),
    # attendance and votes (services/attendance.py, services/votes.py)
    ("meeting:12:checkin", lambda: keys.checkin_group(M), "meeting_checkin_group",
     {"meeting_id": M}),
    ("meeting:12:checkin:person=40", lambda: keys.checkin(meeting_id=M, person_id=P),
     "meeting_checkin", {"meeting_id": M, "person_id": P}),
    ("meeting:12:vote:7", lambda: keys.vote_group(meeting_id=M, item_id=7), "meeting_vote_group",
     {"meeting_id": M, "item_id": 7}),
    ("meeting:12:vote:7:person=40", lambda: keys.vote(meeting_id=M, item_id=7, person_id=P),
     "meeting_vote", {"meeting_id": M, "item_id": 7, "person_id": P}),
    ("meeting:12:result:7", lambda: keys.vote_result_group(meeting_id=M, item_id=7),
     "meeting_vote_result_group", {"meeting_id": M, "item_id": 7}),
    ("meeting:12:result:7:person=40",
     lambda: keys.vote_result(meeting_id=M, item_id=7, person_id=P),
     "meeting_vote_result", {"meeting_id": M, "item_id": 7, "person_id": P}),
    ("meeting:12:ballot_results", lambda: keys.ballot_results_group(M),
     "meeting_ballot_results_group", {"meeting_id": M}),
    ("meeting:12:ballot_results:person=40",
     lambda: keys.ballot_results(meeting_id=M, person_id=P),
     "meeting_ballot_results", {"meeting_id": M, "person_id": P}),
    # the annual plan's approval (services/plans/approval.py, issue 15)
    ("plan:5:approval", lambda: keys.plan_approval_group(5), "plan_approval_group",
     {"plan_id": 5}),
    ("plan:5:adopted:person=40", lambda: keys.plan_adopted(plan_id=5, person_id=P),
     "plan_adopted", {"plan_id": 5, "person_id": P}),
    ("plan:5:approved:person=40", lambda: keys.plan_approved(plan_id=5, person_id=P),
     "plan_approved", {"plan_id": 5, "person_id": P}),
    # the annual analysis (services/analysis/drafting.py, issue 16)
    ("analysis:7", lambda: keys.analysis_group(7), "analysis_group", {"analysis_id": 7}),
    ("analysis:7:submitted:2:person=40",
     lambda: keys.analysis_submitted(analysis_id=7, round=2, person_id=P),
     "analysis_submitted", {"analysis_id": 7, "round": 2, "person_id": P}),
    ("analysis:7:decided:2:person=40",
     lambda: keys.analysis_decided(analysis_id=7, round=2, person_id=P),
     "analysis_decided", {"analysis_id": 7, "round": 2, "person_id": P}),
    # compliance (services/compliance/notify.py, issue 15)
    ("compliance:5", lambda: keys.compliance_group(5), "compliance_group",
     {"association_id": 5}),
    ("compliance:5:finding=9:n=2:person=40",
     lambda: keys.compliance_finding(association_id=5, finding_id=9, occurrence=2, person_id=P),
     "compliance_finding", {"association_id": 5, "finding_id": 9, "occurrence": 2,
                            "person_id": P}),
    ("compliance_digest:2026-12-15", lambda: keys.compliance_digest_group(DAY),
     "compliance_digest_group", {"day": DAY}),
    ("compliance_digest:2026-12-15:person=40",
     lambda: keys.compliance_digest(day=DAY, person_id=P),
     "compliance_digest", {"day": DAY, "person_id": P}),
    # the data bank: a category's term ends soon (services/databank/terms.py, issue 18)
    ("category_term:2026-12-15", lambda: keys.category_term_group(DAY),
     "category_term_group", {"day": DAY}),
    ("category_term:person=40:order=2026-12-15:to=41",
     lambda: keys.category_term(person_id=P, order_date=DAY, recipient_id=41),
     "category_term", {"person_id": P, "order_date": DAY, "recipient_id": 41}),
    # a school a teacher typed, rejected (services/schools.py, issue 20)
    # the operator's alerts to administrators (services/alerts), one format per alert
    ("alert:backlog:2", lambda: keys.alert_group("backlog", 2), "alert_backlog_group",
     {"crossing": 2}),
    ("alert:backlog:2:chat=1001", lambda: keys.alert("backlog", crossing=2, chat_id=1001),
     "alert_backlog", {"crossing": 2, "chat_id": 1001}),
    ("alert:telegram:2", lambda: keys.alert_group("telegram", 2), "alert_telegram_group",
     {"crossing": 2}),
    ("alert:telegram:2:chat=1001", lambda: keys.alert("telegram", crossing=2, chat_id=1001),
     "alert_telegram", {"crossing": 2, "chat_id": 1001}),
    ("alert:given_up:2", lambda: keys.alert_group("given_up", 2), "alert_given_up_group",
     {"crossing": 2}),
    ("alert:given_up:2:chat=1001", lambda: keys.alert("given_up", crossing=2, chat_id=1001),
     "alert_given_up", {"crossing": 2, "chat_id": 1001}),
    ("alert:outcome_lost:2", lambda: keys.alert_group("outcome_lost", 2),
     "alert_outcome_lost_group", {"crossing": 2}),
    ("alert:outcome_lost:2:chat=1001",
     lambda: keys.alert("outcome_lost", crossing=2, chat_id=1001),
     "alert_outcome_lost", {"crossing": 2, "chat_id": 1001}),
    ("alert:backup:2", lambda: keys.alert_group("backup", 2), "alert_backup_group",
     {"crossing": 2}),
    ("alert:backup:2:chat=1001", lambda: keys.alert("backup", crossing=2, chat_id=1001),
     "alert_backup", {"crossing": 2, "chat_id": 1001}),
    ("school:8", lambda: keys.school_group(8), "school_group", {"school_id": 8}),
    ("school:8:rejected:person=40", lambda: keys.school_rejected(school_id=8, person_id=P),
     "school_rejected", {"school_id": 8, "person_id": P}),
]  # fmt: skip


@pytest.mark.parametrize(("literal", "build", "name", "fields"), KEYS, ids=[k[0] for k in KEYS])
def test_every_key_is_built_and_read_back_as_today(
    literal: str, build: Callable[[], str], name: str, fields: dict[str, int | date]
) -> None:
    assert build() == literal
    assert keys.parse(literal) == keys.Parsed(name, fields)
    assert keys.subject_of(literal) == literal.split(":", 1)[0]
    assert keys.FORMATS[name].build(**fields) == literal


def test_every_format_is_covered_and_none_is_ambiguous() -> None:
    assert {name for _l, _b, name, _f in KEYS} == set(keys.FORMATS)
    # `parse` refuses a key two formats could have built: every literal parsed above once.
    assert keys.parse("meeting:12:somethingelse") is None
    assert keys.parse("old:1") is None and keys.subject_of("old:1") == "old"


def test_prefixes_as_today() -> None:
    assert keys.meeting_prefix(M) == "meeting:12:"
    assert keys.notice_prefix(M) == "meeting:12:notice:"
    assert keys.chat_notice_prefix(M) == "meeting:12:group:"
    # A meeting's prefix takes its every group and no other meeting's.
    for literal, *_ in KEYS:
        if literal.startswith("meeting:"):
            assert literal.startswith(keys.meeting_prefix(M))
            assert not literal.startswith(keys.meeting_prefix(1))
    assert keys.notice_group(M, REV).startswith(keys.notice_prefix(M))
    assert keys.chat_notice_group(M, REV).startswith(keys.chat_notice_prefix(M))
    # The groups a meeting's end cancels, by the prefixes 5225caa used (f"meeting:{id}:{g}"):
    # each is a whole group key, and no other group of the meeting starts with it.
    ended = [
        keys.reminders_group(M),
        keys.final_agenda_group(M),
        keys.nudge_group(M),
        keys.checkin_group(M),
        keys.ballot_reminders_group(M),
    ]
    assert ended == [f"meeting:12:{g}" for g in ("reminders", "final", "nudge", "checkin",
                                                  "ballot_reminders")]  # fmt: skip
    groups = [lit for lit, _b, name, _f in KEYS if name.endswith("_group") and "meeting:" in lit]
    for prefix in ended:
        assert [g for g in groups if g.startswith(prefix)] == [prefix]


def test_the_row_kinds_keys_speak_of_are_todays() -> None:
    """The kinds a dedupe key spells out (the notice's) and every kind the scheduler renders."""
    assert meetings.Kind.NOTICE.value == "meeting_notice"
    assert meetings.Kind.CANCELLED.value == "meeting_cancelled"
    assert set(registry()) == {
        announcements.KIND,
        broadcasts.SUMMARY_KIND,
        *(k.value for k in meetings.Kind),
        PROPOSAL,
        PROPOSAL_DECIDED,
        attendance.CHECKIN,
        attendance.VOTE,
        attendance.VOTE_RESULT,
        attendance.BALLOT_REMINDER,
        *protocols.KINDS,
        *surveys.KINDS,
        *plans.APPROVAL_KINDS,
        *compliance.KINDS,
        schools.REJECTED_KIND,
        alerts.KIND,
        *analysis.KINDS,
        databank.CATEGORY_TERM,
    }


async def test_rows_written_with_todays_keys_are_not_enqueued_again(
    session: AsyncSession, clock: FixedClock
) -> None:
    """A row already in the database under today's literal dedupe key: the same message
    enqueued through the keys module adds nothing (the unique index sees the same key)."""
    now = clock.now()
    old = [
        Outgoing("old", literal, "old:1", now, chat_id=n)
        for n, (literal, *_rest) in enumerate(KEYS)
    ]
    assert await outbox.enqueue(session, old) == len(KEYS)
    await session.commit()
    again = [Outgoing("new", build(), "new:1", now, chat_id=1) for _l, build, *_r in KEYS]
    assert await outbox.enqueue(session, again) == 0


TOKEN = "123456:TEST-token"
CHAIR, MEMBERS = 2001, [3001, 3002, 3003]


async def test_an_old_row_is_sent_exactly_once(sqlite_engine: AsyncEngine) -> None:
    """An announcement row enqueued with today's literal key (as if by the code of 5225caa,
    before an upgrade), then the announcement sent by today's code: the member gets it once,
    everyone else once too."""
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    sm = create_sessionmaker(sqlite_engine)
    async with sm() as s:
        world = await make_world(s, clock, chair_tg=CHAIR)
        token = await member_link(s, world, clock)
        people = [await register(s, token, tg, clock, name=f"Учитель {tg}") for tg in MEMBERS]
        draft = await announcements.save_draft(
            s,
            world.chair,
            announcements.Target(world.association_id, None, ""),
            clock.now(),
            text="Семинар 12.12",
        )
        first = people[0].person_id
        assert first is not None
        old = Outgoing(
            kind="announcement",
            template="announcement.html",
            params={"announcement_id": draft},
            person_id=first,
            group_key=f"announcement:{draft}",
            dedupe_key=f"announcement:{draft}:person={first}",
            due_at=clock.now(),
        )
        assert await outbox.enqueue(s, [old]) == 1
        await s.commit()
        sent = await announcements.send(
            s, world.chair, draft, clock.now(), progress_chat_id=CHAIR, locale="ru"
        )
        assert sent.group_key == f"announcement:{draft}"
    async with FakeTelegram(TOKEN, private_per_second=50) as tg:
        for chat in [CHAIR, *MEMBERS]:
            tg.add_user(chat, f"U{chat}")
            tg.open_chat(chat)
        settings = Settings(
            bot_token=TOKEN, telegram_api_base=tg.base_url, rate_per_chat_second=50, _env_file=None
        )
        bot = build_bot(settings)
        i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
        delivery = Delivery(bot, sm, clock, i18n, EngineSettings(concurrency=2))
        delivery.start(schedule=False)
        try:
            for _round in range(5):
                await delivery.tick()
                await delivery.sender.drained()
        finally:
            await delivery.stop()
            await bot.session.close()
        copies = Counter(d.chat_id for d in tg.deliveries if "Семинар" in d.text)
    assert copies == dict.fromkeys(MEMBERS, 1)
    async with sm() as s:
        status = await outbox.group_status(s, sent.group_key)
    assert (status.total, status.sent) == (len(MEMBERS), len(MEMBERS))
