"""Issue 20, item 3: a methodist's protocols. A methodist of the association's own service
reads its archive as a chair does (drafts too, the year's ZIP); `/protocols` offers them the
service's associations, paged; a methodist of another service is refused, nothing shown."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram.methods import EditMessageReplyMarkup, SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import create_sessionmaker
from models import AssociationKind, InviteKind
from services import associations, invites, protocols
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.people import load_actor
from services.permissions import Action, Actor
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons, open_flow
from tests.helpers import CHAIR, NAMES, NOW, SECRETARY, TEACHERS, ended_meeting
from ui.callbacks.common import AssocAction, AssocPick
from ui.callbacks.protocols import ProtoAction, ProtoCb, ProtoList, ProtoListAction

METHODIST, FOREIGN = 6001, 6002
OTHERS = [f"ГМО № {n:02d}" for n in range(1, 22)]  # 21 more: with ours, two pages of 20
OURS = "РМО учителей математики"
FOREIGN_ASSOCIATION = "РМО учителей физики"
REFUSED = "У вас нет прав на это действие. Ничего не изменилось."


@dataclass
class Setting:
    world: World
    protocol_id: int
    methodist: Actor
    foreign: Actor
    foreign_association_id: int


async def setting(session: AsyncSession, clock: FixedClock) -> Setting:
    """The team's association with a protocol's draft, 21 more associations of the same
    service, its methodist; another service with one association and its methodist."""
    world = await make_world(session, clock, chair_tg=CHAIR)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    await register(session, link.token, SECRETARY, clock, name=NAMES[SECRETARY])
    token = await member_link(session, world, clock)
    await register(session, token, TEACHERS[0], clock, name=NAMES[TEACHERS[0]])
    pid = await ended_meeting(session, world, clock)
    now = clock.now()
    for name in OTHERS:
        await associations.create_association(
            session,
            ADMIN,
            kind=AssociationKind.GMO,
            name=name,
            subject="математика",
            municipality_id=world.municipality_id,
            timezone="Asia/Novosibirsk",
            now=now,
        )
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, now)
    methodist = await register(session, link.token, METHODIST, clock, name="Методистова Нина")
    service = await associations.create_service(session, ADMIN, "ИМЦ Кировского района", now)
    municipality = await associations.create_municipality(
        session, ADMIN, service.id, "Кировский район", "Asia/Novosibirsk", now
    )
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name=FOREIGN_ASSOCIATION,
        subject="физика",
        municipality_id=municipality.id,
        timezone="Asia/Novosibirsk",
        now=now,
    )
    link = await invites.create_methodist_link(session, ADMIN, service.id, now)
    foreign = await register(session, link.token, FOREIGN, clock, name="Чужая Вера")
    return Setting(world, pid, methodist, foreign, created.association.id)


async def sign(session: AsyncSession, protocol_id: int, clock: FixedClock) -> None:
    """The keeper writes «Слушали»; the keeper and the chair sign: issued."""
    secretary = await load_actor(session, SECRETARY, [])
    chair = await load_actor(session, CHAIR, [])
    now = clock.now()
    view = await protocols.set_heard(session, secretary, protocol_id, 1, "Доклад.", now)
    await protocols.sign(session, secretary, protocol_id, view.revision, now)
    await protocols.sign(session, chair, protocol_id, view.revision, now)


# ---------------------------------------------------------------- services, both engines


async def test_a_methodist_reads_the_service_archive_and_no_other(
    session: AsyncSession, clock: FixedClock
) -> None:
    s = await setting(session, clock)
    aid = s.world.association_id
    mine = await associations.associations_for(session, s.methodist, Action.READ_PROTOCOLS)
    assert [a.name for a in mine] == [*OTHERS, OURS]
    theirs = await associations.associations_for(session, s.foreign, Action.READ_PROTOCOLS)
    assert [a.name for a in theirs] == [FOREIGN_ASSOCIATION]

    found = await protocols.archive(session, s.methodist, aid, None, clock.now())
    assert [(r.number, r.signed) for r in found.rows] == [(1, False)]  # the draft too
    assert found.drafts_visible and found.can_export and not found.can_zip
    await sign(session, s.protocol_id, clock)
    found = await protocols.archive(session, s.methodist, aid, None, clock.now())
    assert [(r.number, r.signed) for r in found.rows] == [(1, True)] and found.can_zip
    [signed] = await protocols.signed_of_year(session, s.methodist, aid, found.school_year)
    assert signed.id == s.protocol_id

    for call in (
        protocols.archive(session, s.foreign, aid, None, clock.now()),
        protocols.get(session, s.foreign, s.protocol_id),
        protocols.signed_of_year(session, s.foreign, aid, found.school_year),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refused.value.code is ErrorCode.FORBIDDEN


# ---------------------------------------------------------------- /protocols, the Dispatcher


@pytest.fixture
def sm(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(sqlite_engine)


@pytest.fixture
async def flow(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> AsyncIterator[Flow]:
    async with open_flow(sm, clock) as opened:
        yield opened


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def labels(flow: Flow, user_id: int) -> list[str]:
    return [text for text, _data in buttons(flow.last(user_id, with_buttons=True))]


async def test_a_methodist_pages_to_the_association_and_exports_the_year(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as session:
        s = await setting(session, clock)
        await session.commit()

    asked = await flow.send(METHODIST, "/protocols")
    assert asked.texts == ["Протоколы какого объединения?"]
    assert labels(flow, METHODIST) == [*OTHERS[:20], "1 / 2", "▶️"]
    paged = await flow.press(METHODIST, "▶️")
    assert any(isinstance(c, EditMessageReplyMarkup) for c in paged.calls)
    assert labels(flow, METHODIST) == [OTHERS[20], OURS, "◀️", "2 / 2"]

    # The archive as for a chair: the draft listed, the recipients; no ZIP before a signature.
    archive = await flow.press(METHODIST, OURS)
    assert archive.texts == [
        f"📚 <b>Протоколы</b> — {OURS}, 2026/27 учебный год\n"
        "№ 1 · 20.12.2026 — Итоги четверти · 📝 черновик"
    ]
    assert labels(flow, METHODIST) == ["№ 1", "📨 Получатели копий"]

    async with sm() as session:
        await sign(session, s.protocol_id, clock)
    await flow.send(METHODIST, "/protocols")
    await flow.press(METHODIST, "▶️")
    archive = await flow.press(METHODIST, OURS)
    assert archive.texts == [
        f"📚 <b>Протоколы</b> — {OURS}, 2026/27 учебный год\n"
        "№ 1 · 20.12.2026 — Итоги четверти · ✅ подписан"
    ]
    assert labels(flow, METHODIST) == ["№ 1", "📨 Получатели копий", "🗜 ZIP за год"]
    exported = await flow.press(METHODIST, "ZIP за год")
    assert exported.alerts() == ["Готовлю архив…"]
    [document] = [c for c in exported.calls if isinstance(c, SendDocument)]
    assert document.caption == "Протоколы за 2026/27: 1"
    assert isinstance(document.document, BufferedInputFile)
    assert document.document.filename == "protocols_2026-27.zip"
    with zipfile.ZipFile(io.BytesIO(document.document.data)) as zipped:
        assert sorted(zipped.namelist()) == [
            "protocol_1_2026-12-20.docx",
            "protocol_1_2026-12-20.pdf",
        ]


async def test_a_methodist_of_another_service_is_refused(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as session:
        s = await setting(session, clock)
        await sign(session, s.protocol_id, clock)
        await session.commit()
    aid = s.world.association_id

    # Their own service's only association: its archive at once, nothing of ours.
    own = await flow.send(FOREIGN, "/protocols")
    assert own.texts == [
        f"📚 <b>Протоколы</b> — {FOREIGN_ASSOCIATION}, 2026/27 учебный год\n"
        "Протоколов за этот учебный год пока нет."
    ]

    # Buttons forged from ours: refused politely, nothing sent.
    for data in (
        AssocPick(action=AssocAction.PROTOCOLS, association_id=aid).pack(),
        ProtoList(action=ProtoListAction.YEAR, association_id=aid, year=2026).pack(),
        ProtoList(action=ProtoListAction.ZIP, association_id=aid, year=2026).pack(),
        ProtoCb(action=ProtoAction.OPEN, protocol_id=s.protocol_id).pack(),
        ProtoCb(action=ProtoAction.GET, protocol_id=s.protocol_id).pack(),
    ):
        forged = await flow.press_data(FOREIGN, data)
        assert forged.alerts() == [REFUSED], data
        documents = [c for c in forged.calls if isinstance(c, SendDocument)]
        assert forged.sent() == [] and documents == [], data
