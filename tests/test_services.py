"""Use cases on SQLite and PostgreSQL: associations, invites, registration, roster, /forget."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    AssociationKind,
    AuditEntry,
    Category,
    Identity,
    Invite,
    InviteKind,
    Membership,
    Methodist,
    Person,
    Role,
    School,
    SchoolStatus,
)
from services import associations, invites, people, roster, schools
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.people import load_actor
from services.permissions import Action, Actor
from services.tx import reads
from tests.factories import ADMIN, ADMIN_ID, make_world, member_link, register
from tests.helpers import count


@reads  # a declared read: it ends its transaction, so the use case after it owns its own
async def snapshot(session: AsyncSession) -> tuple[int, ...]:
    return tuple(
        [await count(session, m) for m in (Person, Identity, Membership, Methodist, School)]
        + [int(await session.scalar(select(func.coalesce(func.sum(Invite.uses_left), 0))) or 0)]
    )


async def test_association_gets_domain_defaults_and_chair(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    assert world.chair.roles == {world.association_id: Role.CHAIR}
    view = await associations.get_view(session, world.association_id)
    assert view.timezone == "Asia/Novosibirsk"
    a = await session.get_one(Association, world.association_id)
    assert (a.notice_days, a.proposal_days, a.protocol_months) == (5, 2, 1)
    assert (a.validity_num, a.validity_den, a.decision_num, a.decision_den) == (1, 2, 2, 3)
    assert a.cadence_count == 4 and a.cadence_period.value == "school_year"


async def test_only_admin_creates_services_and_methodists_create_associations(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    with pytest.raises(DomainError) as err:
        await associations.create_service(session, world.chair, "Другой ИМЦ", clock.now())
    assert err.value.code is ErrorCode.FORBIDDEN
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, clock.now())
    methodist = await register(session, link.token, 3001, clock, name="Сидорова Ольга")
    assert methodist.methodist_services == {world.service_id}
    created = await associations.create_association(
        session,
        methodist,
        kind=AssociationKind.GMO,
        name="ГМО физиков",
        subject=None,
        municipality_id=world.municipality_id,
        timezone="Europe/Moscow",
        now=clock.now(),
    )
    assert created.association.service_id == world.service_id
    with pytest.raises(DomainError):
        await associations.create_association(
            session,
            world.chair,
            kind=AssociationKind.GMO,
            name="Самоволка",
            subject=None,
            municipality_id=world.municipality_id,
            timezone="Europe/Moscow",
            now=clock.now(),
        )


async def test_member_link_registers_new_person_and_is_reusable(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    first = await register(session, token, 4001, clock, name="Учитель Первый")
    second = await register(session, token, 4002, clock, name="Учитель Второй")
    assert first.roles == second.roles == {world.association_id: Role.MEMBER}
    # Both typed the same school differently: one pending school, not two.
    pending = (await session.scalars(select(School))).all()
    assert [s.status for s in pending] == [SchoolStatus.PENDING]
    assert len(token) == 22


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("unknown", ErrorCode.INVITE_UNKNOWN),
        ("expired", ErrorCode.INVITE_EXPIRED),
        ("used", ErrorCode.INVITE_USED),
        ("twice", ErrorCode.ALREADY_MEMBER),
    ],
)
async def test_bad_links_change_nothing(
    session: AsyncSession, clock: FixedClock, setup: str, code: ErrorCode
) -> None:
    world = await make_world(session, clock)
    token = "made-up-token-000000000"
    if setup == "expired":
        token = await member_link(session, world, clock)
        clock.advance(timedelta(days=31))
    elif setup == "used":
        link = await invites.create_link(
            session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
        )
        token = link.token
        await register(session, token, 5001, clock, name="Секретарь Первый")
    elif setup == "twice":
        token = await member_link(session, world, clock)
        await register(session, token, 5002, clock, name="Учитель Дважды")
    tg_id = 5002 if setup == "twice" else 5003
    before = await snapshot(session)
    with pytest.raises(DomainError) as err:
        await invites.preview(session, token, tg_id, clock.now())
    assert err.value.code is code
    with pytest.raises(DomainError) as err:
        await register(session, token, tg_id, clock, name="Второй Человек")
    assert err.value.code is code
    assert await snapshot(session) == before


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", ErrorCode.NAME_EMPTY),
        ("   ", ErrorCode.NAME_EMPTY),
        ("Я" * 300, ErrorCode.NAME_TOO_LONG),
        ("<b>Иванов</b>", ErrorCode.HTML_NOT_ALLOWED),
        ("1", ErrorCode.NAME_TOO_SHORT),
    ],
)
async def test_bad_names_change_nothing(
    session: AsyncSession, clock: FixedClock, name: str, code: ErrorCode
) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    before = await snapshot(session)
    with pytest.raises(DomainError) as err:
        await register(session, token, 6001, clock, name=name)
    assert err.value.code is code
    assert await snapshot(session) == before


async def test_refused_consent_stores_nothing(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    before = await snapshot(session)
    with pytest.raises(DomainError) as err:
        await invites.redeem(
            session,
            token,
            6002,
            invites.Registration(
                consent=False, full_name="Без Согласия", school_typed="Школа 1", subject="химия"
            ),
            clock.now(),
        )
    assert err.value.code is ErrorCode.CONSENT_REQUIRED
    assert await snapshot(session) == before


async def test_second_association_adds_membership_not_person(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.GMO,
        name="ГМО информатиков",
        subject="информатика",
        municipality_id=world.municipality_id,
        timezone="Asia/Omsk",
        now=clock.now(),
    )
    token = await member_link(session, world, clock)
    teacher = await register(session, token, 7001, clock, name="Учитель Многих")
    persons = await count(session, Person)
    preview = await invites.preview(session, created.chair_token, 7001, clock.now())
    assert not (preview.needs_consent or preview.needs_name or preview.needs_school)
    await invites.redeem(session, created.chair_token, 7001, invites.Registration(), clock.now())
    again = await load_actor(session, 7001, [ADMIN_ID])
    assert again.person_id == teacher.person_id
    assert again.roles == {world.association_id: Role.MEMBER, created.association.id: Role.CHAIR}
    assert await count(session, Person) == persons


async def test_roster_person_binds_by_personal_link(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    entries = roster.parse_roster(
        "Кузнецова Мария Ивановна; Школа №5; математика\nОрлов Пётр\tГимназия № 2"
    )
    added = await roster.add_people(
        session, world.chair, world.association_id, entries, clock.now()
    )
    links = added.links
    assert [link.full_name for link in links] == ["Кузнецова Мария Ивановна", "Орлов Пётр"]
    page = await roster.roster_page(session, world.chair, world.association_id)
    assert page.total == 3 and page.joined == 1
    preview = await invites.preview(session, links[0].token, 8001, clock.now())
    assert preview.personal and preview.roster_name == "Кузнецова Мария Ивановна"
    assert not (preview.needs_name or preview.needs_school or preview.needs_subject)
    assert preview.needs_consent
    await invites.redeem(
        session, links[0].token, 8001, invites.Registration(consent=True), clock.now()
    )
    actor = await load_actor(session, 8001, [])
    assert actor.person_id == links[0].person_id
    # «Школа №5» typed by the leader matched the chair's «МОУ СОШ № 5».
    assert await count(session, School) == 2
    # The personal link is spent; a second account gets a clear refusal.
    with pytest.raises(DomainError) as err:
        await invites.preview(session, links[0].token, 8002, clock.now())
    assert err.value.code is ErrorCode.INVITE_USED


async def test_personal_link_merges_into_existing_person(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    teacher = await register(session, token, 9001, clock, name="Смирнова Елена")
    other = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.SHMO,
        name="ШМО начальных классов",
        subject=None,
        municipality_id=world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=clock.now(),
    )
    other_chair = await register(session, other.chair_token, 9002, clock, name="Глава ШМО")
    added = await roster.add_people(
        session,
        other_chair,
        other.association.id,
        [roster.RosterEntry("Смирнова Елена Викторовна", None, None)],
        clock.now(),
    )
    [link] = added.links
    persons = await count(session, Person)
    joined = await invites.redeem(session, link.token, 9001, invites.Registration(), clock.now())
    assert joined.merged and joined.person_id == teacher.person_id
    assert await count(session, Person) == persons - 1
    actor = await load_actor(session, 9001, [])
    assert actor.roles == {world.association_id: Role.MEMBER, other.association.id: Role.MEMBER}


async def test_privileged_link_is_single_use(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.DEPUTY, world.association_id, clock.now()
    )
    deputy = await register(session, link.token, 10001, clock, name="Зам Председателя")
    assert deputy.roles[world.association_id] is Role.DEPUTY
    with pytest.raises(DomainError) as err:
        await register(session, link.token, 10002, clock, name="Чужой Человек")
    assert err.value.code is ErrorCode.INVITE_USED


async def test_secretary_manages_members_only(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    secretary = await register(session, link.token, 11001, clock, name="Секретарь Объединения")
    with pytest.raises(DomainError):
        await invites.create_link(
            session, secretary, InviteKind.DEPUTY, world.association_id, clock.now()
        )
    token = await member_link(session, world, clock)
    await register(session, token, 11002, clock, name="Простой Учитель")
    page = await roster.roster_page(session, secretary, world.association_id)
    by_name = {r.full_name: r for r in page.rows}
    teacher = by_name["Простой Учитель"]
    chair = by_name["Петров Сергей Иванович"]
    with pytest.raises(DomainError):
        await roster.change_role(
            session, secretary, teacher.membership_id, Role.SECRETARY, clock.now()
        )
    with pytest.raises(DomainError):
        await roster.remove(session, secretary, chair.membership_id, clock.now())
    assert await roster.remove(session, secretary, teacher.membership_id, clock.now())
    after = await load_actor(session, 11002, [])
    assert after.roles == {}


async def test_member_cannot_see_roster_and_lost_role_is_checked_again(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    secretary = await register(session, link.token, 12001, clock, name="Бывший Секретарь")
    page = await roster.roster_page(session, secretary, world.association_id)
    mine = next(r for r in page.rows if r.full_name == "Бывший Секретарь")
    await roster.change_role(session, world.chair, mine.membership_id, Role.MEMBER, clock.now())
    demoted = await load_actor(session, 12001, [])
    with pytest.raises(DomainError) as err:
        await roster.roster_page(session, demoted, world.association_id)
    assert err.value.code is ErrorCode.FORBIDDEN


async def test_last_chair_stays(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    page = await roster.roster_page(session, ADMIN, world.association_id)
    with pytest.raises(DomainError) as err:
        await roster.change_role(
            session, ADMIN, page.rows[0].membership_id, Role.MEMBER, clock.now()
        )
    assert err.value.code is ErrorCode.LAST_CHAIR


def test_roster_parser_rejects_whole_batch_with_line_number() -> None:
    with pytest.raises(DomainError) as err:
        roster.parse_roster("Иванов Иван\n<script>x</script>\nПетров Пётр")
    assert err.value.code is ErrorCode.ROSTER_BAD_LINE
    assert err.value.params["line"] == 2
    with pytest.raises(DomainError):
        roster.parse_roster("\n".join(f"Учитель {i}" for i in range(2001)))
    with pytest.raises(DomainError):
        roster.parse_roster("  \n ")


def test_school_names_normalize() -> None:
    assert schools.normalize_school("МОУ СОШ № 5") == schools.normalize_school("Школа №5")
    assert schools.normalize_school("Гимназия № 5") != schools.normalize_school("Школа №5")


async def test_forget_leaves_tombstone(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    teacher = await register(session, token, 13001, clock, name="Уходящий Учитель")
    data = await people.export_data(session, teacher)
    assert data["person"]["full_name"] == "Уходящий Учитель"
    await people.forget(session, teacher, clock.now())
    person = await session.get_one(Person, teacher.person_id)
    await session.refresh(person)
    assert person.full_name is None and person.school_id is not None
    assert person.forgotten_at is not None
    stranger = await load_actor(session, 13001, [])
    assert stranger.person_id is None
    membership = await session.scalar(
        select(Membership).where(Membership.person_id == teacher.person_id)
    )
    assert membership is not None and not membership.active and membership.role is Role.MEMBER
    actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "person.forgotten" in actions


async def test_roster_import_skips_names_already_there_and_goes_in_bulk(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    text = "\n".join(f"Учитель Номер {i}; Школа № {i % 7}; предмет {i % 3}" for i in range(2000))
    added = await roster.add_people(
        session, world.chair, world.association_id, roster.parse_roster(text), clock.now()
    )
    assert len(added.links) == 2000 and added.skipped == []
    assert len({link.token for link in added.links}) == 2000
    # Every link binds its own roster row, in the order of the list.
    first = await invites.preview(session, added.links[0].token, 20001, clock.now())
    assert first.personal and first.roster_name == "Учитель Номер 0"
    last = await invites.preview(session, added.links[-1].token, 20002, clock.now())
    assert last.roster_name == "Учитель Номер 1999"
    # Seven distinct schools typed 2000 times; «Школа № 5» is the chair's «МОУ СОШ № 5».
    assert await count(session, School) == 7
    # The same list again, the chair's own name and a repeat inside the list: nobody twice.
    again = roster.parse_roster(
        "учитель  номер 5\nПетров Сергей Иванович\nНовый Человек\nНовый  человек"
    )
    added = await roster.add_people(session, world.chair, world.association_id, again, clock.now())
    assert [link.full_name for link in added.links] == ["Новый Человек"]
    assert added.skipped == ["учитель номер 5", "Петров Сергей Иванович", "Новый человек"]
    page = await roster.roster_page(session, world.chair, world.association_id)
    assert page.total == 2002


def test_roster_file_in_excel_and_sheets_formats() -> None:
    excel = "ФИО;Школа;Предмет\r\nИванов Иван;МОУ СОШ № 5;физика\r\n".encode("cp1251")
    assert roster.parse_roster_file(excel) == [
        roster.RosterEntry("Иванов Иван", "МОУ СОШ № 5", "физика")
    ]
    sheets = '\ufeffFull name,School,Subject\n"Orlov Petr","School 5, Omsk",math\nSidorova Ia,,\n'
    assert roster.parse_roster_file(sheets.encode()) == [
        roster.RosterEntry("Orlov Petr", "School 5, Omsk", "math"),
        roster.RosterEntry("Sidorova Ia", None, None),
    ]
    with pytest.raises(DomainError) as err:
        roster.parse_roster_file("ФИО;Школа\nИванов Иван;Школа 1\n<b>x</b>;Школа 2".encode())
    assert err.value.code is ErrorCode.ROSTER_BAD_LINE and err.value.params["line"] == 3
    with pytest.raises(DomainError) as err:
        roster.parse_roster_file(b"x" * 1_000_001)
    assert err.value.code is ErrorCode.ROSTER_TOO_BIG


async def test_removed_member_personal_link_is_revoked(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    added = await roster.add_people(
        session,
        world.chair,
        world.association_id,
        [roster.RosterEntry("Уволенный Учитель", None, "физика")],
        clock.now(),
    )
    [link] = added.links
    page = await roster.roster_page(session, world.chair, world.association_id)
    row = next(r for r in page.rows if r.full_name == "Уволенный Учитель")
    await roster.remove(session, world.chair, row.membership_id, clock.now())
    before = await snapshot(session)
    with pytest.raises(DomainError) as err:
        await invites.preview(session, link.token, 30001, clock.now())
    assert err.value.code is ErrorCode.INVITE_EXPIRED
    with pytest.raises(DomainError) as err:
        await register(session, link.token, 30001, clock, name="Уволенный Учитель")
    assert err.value.code is ErrorCode.INVITE_EXPIRED
    assert await snapshot(session) == before
    membership = await session.get_one(Membership, row.membership_id)
    await session.refresh(membership)
    assert not membership.active


async def test_revoke_member_links_keeps_the_new_one(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    old = await member_link(session, world, clock)
    older = await member_link(session, world, clock)
    secretary_link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    new = await invites.create_link(
        session, world.chair, InviteKind.MEMBER, world.association_id, clock.now()
    )
    teacher = await register(session, new.token, 31001, clock, name="Простой Учитель")
    with pytest.raises(DomainError) as err:
        await invites.revoke_member_links(
            session, teacher, world.association_id, clock.now(), keep_id=new.invite_id
        )
    assert err.value.code is ErrorCode.FORBIDDEN
    revoked = await invites.revoke_member_links(
        session, world.chair, world.association_id, clock.now(), keep_id=new.invite_id
    )
    assert revoked == 2
    for token in (old, older):
        with pytest.raises(DomainError) as err:
            await invites.preview(session, token, 31002, clock.now())
        assert err.value.code is ErrorCode.INVITE_EXPIRED
    assert (await invites.preview(session, new.token, 31002, clock.now())).kind is InviteKind.MEMBER
    # Single-use staff links are not member links: untouched.
    preview = await invites.preview(session, secretary_link.token, 31002, clock.now())
    assert preview.kind is InviteKind.SECRETARY
    actions = (await session.scalars(select(AuditEntry.action))).all()
    await session.commit()
    assert "invite.member_links_revoked" in actions
    assert (
        await invites.revoke_member_links(
            session, world.chair, world.association_id, clock.now(), keep_id=new.invite_id
        )
        == 0
    )


async def test_read_only_services_end_their_transaction(
    session: AsyncSession, clock: FixedClock
) -> None:
    """With SQLite's BEGIN IMMEDIATE an open read keeps the write lock while the handler
    talks to Telegram: every read-only use case must end its transaction."""
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    page = await roster.roster_page(session, world.chair, world.association_id)
    membership_id = page.rows[0].membership_id
    reads: list[Callable[[], Awaitable[object]]] = [
        lambda: schools.search(session, world.municipality_id),
        lambda: schools.search(session, world.municipality_id, "Школа 5"),
        lambda: schools.pending_for(session, world.chair),
        lambda: roster.roster_page(session, world.chair, world.association_id),
        lambda: roster.get_row(session, world.chair, membership_id),
        lambda: roster.association_of(session, world.chair, membership_id),
        lambda: people.get_profile(session, world.chair),
        lambda: people.export_data(session, world.chair),
        lambda: people.load_actor(session, world.chair_tg, [ADMIN_ID]),
        lambda: associations.list_services(session, ADMIN),
        lambda: associations.list_municipalities(session, ADMIN),
        lambda: associations.municipality_timezone(session, world.municipality_id),
        lambda: associations.get_view(session, world.association_id),
        lambda: associations.associations_for(session, world.chair, Action.EDIT_ROSTER),
        lambda: invites.preview(session, token, 32001, clock.now()),
    ]
    for n, read in enumerate(reads):
        await read()
        assert not session.in_transaction(), n


async def test_forget_removes_the_account_from_the_audit_log(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    teacher = await register(session, token, 33001, clock, name="Уходящий Учитель")
    await people.update_name(session, teacher, "Уходящий Учитель Иванович", clock.now())
    mine = (
        await session.scalars(select(AuditEntry).where(AuditEntry.actor_external_id == 33001))
    ).all()
    await session.commit()
    assert len(mine) >= 2
    await people.forget(session, teacher, clock.now())
    left = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_external_id == 33001)
    )
    kept = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.actor_person_id == teacher.person_id)
    )
    chair_entries = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.actor_external_id == world.chair_tg)
    )
    await session.commit()
    assert left == 0
    assert kept == len(mine) + 1  # the tombstone keeps what was done (and the forgetting)
    assert chair_entries  # other people's entries keep their account


async def test_roster_namesakes_at_different_schools_are_two_people(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    first = roster.parse_roster("Иванова Анна; Школа № 5; математика")
    await roster.add_people(session, world.chair, world.association_id, first, clock.now())
    again = roster.parse_roster(
        "Иванова Анна, Гимназия № 2, физика\n"  # another school: another teacher
        "Иванова Анна; МОУ СОШ № 5\n"  # the same school by another name: already there
        "Иванова Анна\n"  # no school to tell: already there
        "Иванова Анна; Лицей № 9\n"
        "Иванова  анна; лицей №9"  # repeated in the list
    )
    added = await roster.add_people(session, world.chair, world.association_id, again, clock.now())
    assert [(link.full_name, link.school) for link in added.links] == [
        ("Иванова Анна", "Гимназия № 2"),
        ("Иванова Анна", "Лицей № 9"),
    ]
    assert added.skipped == ["Иванова Анна", "Иванова Анна", "Иванова анна"]
    # Each personal link binds its own roster row.
    people_ids = {link.person_id for link in added.links}
    assert len(people_ids) == 2
    for link in added.links:
        preview = await invites.preview(session, link.token, 34001, clock.now())
        assert preview.personal and preview.roster_name == "Иванова Анна"
    page = await roster.roster_page(session, world.chair, world.association_id)
    assert sorted(r.school or "" for r in page.rows if r.full_name == "Иванова Анна") == [
        "Гимназия № 2",
        "Лицей № 9",
        "МОУ СОШ № 5",  # «Школа № 5» is the chair's school
    ]


def test_roster_parser_commas_and_reason_parameters() -> None:
    assert roster.parse_roster(
        "Иванова Анна, Школа 5, математика\n"
        "Петров Пётр, МБОУ СОШ № 5, г. Омск, физика\n"
        "Орлов Илья; Школа 1, корпус 2; химия\n"
        "Сидорова Ия"
    ) == [
        roster.RosterEntry("Иванова Анна", "Школа 5", "математика"),
        roster.RosterEntry("Петров Пётр", "МБОУ СОШ № 5, г. Омск", "физика"),
        roster.RosterEntry("Орлов Илья", "Школа 1, корпус 2", "химия"),
        roster.RosterEntry("Сидорова Ия", None, None),
    ]
    with pytest.raises(DomainError) as err:
        roster.parse_roster("Иванов Иван\n" + "Я" * 151)
    assert err.value.code is ErrorCode.ROSTER_BAD_LINE
    assert err.value.params["line"] == 2
    assert err.value.params["reason"] is ErrorCode.NAME_TOO_LONG
    assert err.value.params["reason_params"] == {"max": 150, "length": 151}


# ------------------------------------------------------------------ profile: the data bank


async def test_data_bank_fields_are_validated_set_and_cleared(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    chair, now = world.chair, clock.now()
    assert now.year == 2026
    Detail = people.Detail
    bad = [
        (Detail.EDUCATION, "", ErrorCode.TEXT_EMPTY),
        (Detail.EDUCATION, "в" * 301, ErrorCode.TEXT_TOO_LONG),
        (Detail.SPECIALITY, "<b>учитель</b>", ErrorCode.HTML_NOT_ALLOWED),
        (Detail.TOTAL_EXPERIENCE, "61", ErrorCode.BAD_NUMBER),
        (Detail.TOTAL_EXPERIENCE, "-1", ErrorCode.BAD_NUMBER),
        (Detail.TEACHING_EXPERIENCE, "пять", ErrorCode.BAD_NUMBER),
        (Detail.TEACHING_EXPERIENCE, "5,5", ErrorCode.BAD_NUMBER),
        (Detail.BIRTH_YEAR, "1939", ErrorCode.BAD_NUMBER),
        (Detail.BIRTH_YEAR, "2011", ErrorCode.BAD_NUMBER),  # younger than 16
        (Detail.AWARDS, "г" * 1001, ErrorCode.TEXT_TOO_LONG),
        (Detail.TITLES, "Почётный <i>работник</i>", ErrorCode.HTML_NOT_ALLOWED),
    ]
    for field, text, code in bad:
        with pytest.raises(DomainError) as err:
            await people.set_detail(session, chair, field, text, now)
        assert err.value.code is code, (field, text)
    birth = await people.set_detail(session, chair, Detail.BIRTH_YEAR, "2010", now)
    assert birth == 2010  # the latest year allowed: 16 this year
    assert await people.set_detail(session, chair, Detail.BIRTH_YEAR, "1940", now) == 1940
    error = DomainError(ErrorCode.BAD_NUMBER)
    with pytest.raises(DomainError) as err:
        await people.set_detail(session, chair, Detail.BIRTH_YEAR, "2011", now)
    assert err.value.params == {"min": 1940, "max": 2010} and error.code is err.value.code

    values = {
        Detail.EDUCATION: "высшее, НГПУ, 2005",
        Detail.SPECIALITY: "учитель   математики",
        Detail.TOTAL_EXPERIENCE: "25 лет",
        Detail.TEACHING_EXPERIENCE: "0",
        Detail.BIRTH_YEAR: "1984",
        Detail.AWARDS: "Грамота Минпросвещения, 2019\n\n  Медаль «За труд»  \n",
        Detail.TITLES: "Почётный работник",
    }
    for field, text in values.items():
        await people.set_detail(session, chair, field, text, now)
    await people.set_category(session, chair, Category.HIGHEST, now)
    profile = await people.get_profile(session, chair, now)
    assert profile.education == "высшее, НГПУ, 2005"
    assert profile.speciality == "учитель математики"
    assert (profile.total_experience_years, profile.teaching_experience_years) == (25, 0)
    assert (profile.birth_year, profile.age) == (1984, 42)
    assert profile.awards == "Грамота Минпросвещения, 2019\nМедаль «За труд»"
    assert profile.titles == "Почётный работник" and profile.category is Category.HIGHEST
    exported = await people.export_data(session, chair)
    assert exported["person"]["category"] == "highest"
    assert exported["person"]["total_experience_years"] == 25
    # Long texts: exactly the limits pass.
    await people.set_detail(session, chair, Detail.AWARDS, "а" * 1000, now)
    await people.set_detail(session, chair, Detail.EDUCATION, "б" * 300, now)
    await people.set_detail(session, chair, Detail.TOTAL_EXPERIENCE, "60", now)
    # Every field clears.
    for field in Detail:
        assert await people.set_detail(session, chair, field, None, now) is None
    await people.set_category(session, chair, None, now)
    profile = await people.get_profile(session, chair, now)
    assert all(getattr(profile, field.value) is None for field in Detail)
    assert profile.category is None and profile.age is None
    # A stranger has no profile to edit.
    with pytest.raises(DomainError) as err:
        await people.set_detail(session, Actor(external_id=1), Detail.TITLES, "x", now)
    assert err.value.code is ErrorCode.NOT_REGISTERED


async def test_person_changes_school_within_their_municipalities(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    now = clock.now()
    token = await member_link(session, world, clock)
    teacher = await register(session, token, 4101, clock, name="Учитель Переехавший")
    gymnasium_id = (
        await schools.add_approved(
            session, ADMIN, world.municipality_id, world.service_id, "МАОУ Гимназия № 2", now
        )
    ).id
    # Another service's municipality: its schools are not the teacher's to choose.
    other_service = await associations.create_service(session, ADMIN, "ИМЦ Другой", now)
    other = await associations.create_municipality(
        session, ADMIN, other_service.id, "Другой район", "Europe/Moscow", now
    )
    foreign = await schools.add_approved(
        session, ADMIN, other.id, other_service.id, "Школа № 40", now
    )
    other_id, foreign_id = other.id, foreign.id
    places = await people.school_municipalities(session, teacher)
    assert [(p.id, p.name) for p in places] == [(world.municipality_id, "Ленинский район")]
    options = await people.school_options(session, teacher, world.municipality_id)
    assert [s.name for s in options] == ["МАОУ Гимназия № 2"]
    for call in (
        people.school_options(session, teacher, other_id),
        people.choose_school(session, teacher, foreign_id, now),
        people.type_school(session, teacher, other_id, "Школа № 41", now),
    ):
        with pytest.raises(DomainError) as err:
            await call
        assert err.value.code is ErrorCode.FORBIDDEN
    # A pending school cannot be chosen from a button (only typed).
    pending = await session.scalar(select(School.id).where(School.status == SchoolStatus.PENDING))
    assert pending is not None
    with pytest.raises(DomainError) as err:
        await people.choose_school(session, teacher, pending, now)
    assert err.value.code is ErrorCode.STALE

    chosen = await people.choose_school(session, teacher, gymnasium_id, now)
    assert chosen.name == "МАОУ Гимназия № 2" and not chosen.pending
    # Typed as at registration: the normalized name matches the directory's school.
    typed = await people.type_school(session, teacher, world.municipality_id, "гимназия 2", now)
    assert typed.id == gymnasium_id and not typed.pending
    before = await count(session, School)
    typed = await people.type_school(session, teacher, world.municipality_id, "Лицей № 7", now)
    assert typed.pending and await count(session, School) == before + 1
    # A chair rejects the typed school: the teacher keeps it as typed, marked, and chooses
    # again (issue 20).
    await schools.review(session, world.chair, typed.id, False, now)
    profile = await people.get_profile(session, teacher)
    assert profile.school == "Лицей № 7" and profile.school_rejected
    await people.choose_school(session, teacher, gymnasium_id, now)
    profile = await people.get_profile(session, teacher)
    assert profile.school == "МАОУ Гимназия № 2" and not profile.school_pending
    with pytest.raises(DomainError) as err:
        await people.type_school(session, teacher, world.municipality_id, "<b>Школа</b>", now)
    assert err.value.code is ErrorCode.HTML_NOT_ALLOWED


# ------------------------------------------------------------------ the school directory


async def test_directory_bulk_add_dedupes_and_checks_the_service(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    now = clock.now()
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, now)
    methodist = await register(session, link.token, 4201, clock, name="Методист Справочника")
    await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, "Лицей № 1", now
    )
    lines = "\n".join(
        [
            "МБОУ «СОШ № 7»",
            "",
            "Школа №7",  # the same school by another name
            "МАОУ Гимназия № 2",
            "Лицей №1",  # already approved
            "Школа № 5",  # the chair's «МОУ СОШ № 5», typed at registration: now approved
        ]
    )
    added = await schools.add_approved_bulk(session, methodist, world.municipality_id, lines, now)
    assert (added.added, added.confirmed, added.already) == (2, 1, 2)
    assert added.municipality == "Ленинский район"
    rows = (await session.scalars(select(School))).all()
    assert sorted((s.name, s.status) for s in rows) == [
        ("Лицей № 1", SchoolStatus.APPROVED),
        ("МАОУ Гимназия № 2", SchoolStatus.APPROVED),
        ("МБОУ «СОШ № 7»", SchoolStatus.APPROVED),
        ("МОУ СОШ № 5", SchoolStatus.APPROVED),
    ]
    await session.commit()
    # The same list again adds nothing.
    again = await schools.add_approved_bulk(session, ADMIN, world.municipality_id, lines, now)
    assert (again.added, again.confirmed, again.already) == (0, 0, 5)

    before = await count(session, School)
    other_service = await associations.create_service(session, ADMIN, "ИМЦ Чужой", now)
    other = await associations.create_municipality(
        session, ADMIN, other_service.id, "Чужой район", "Europe/Moscow", now
    )
    for actor, municipality_id, text, code in (
        (world.chair, world.municipality_id, "Школа № 9", ErrorCode.FORBIDDEN),
        (methodist, other.id, "Школа № 9", ErrorCode.FORBIDDEN),
        (methodist, 10**9, "Школа № 9", ErrorCode.NOT_FOUND),
        (methodist, world.municipality_id, "\n \n", ErrorCode.TEXT_EMPTY),
        (methodist, world.municipality_id, "Школа № 9\n<b>Школа</b>", ErrorCode.ROSTER_BAD_LINE),
        (
            methodist,
            world.municipality_id,
            "\n".join(f"Школа № {n}" for n in range(501)),
            ErrorCode.TOO_MANY_LINES,
        ),
    ):
        with pytest.raises(DomainError) as err:
            await schools.add_approved_bulk(session, actor, municipality_id, text, now)
        assert err.value.code is code, (municipality_id, text[:20])
    with pytest.raises(DomainError) as err:
        await schools.add_approved_bulk(
            session, methodist, world.municipality_id, "Школа № 9\nШкола № 10\n1", now
        )
    assert err.value.params["line"] == 3
    assert await count(session, School) == before
    # 500 lines are fine.
    many = "\n".join(f"Школа № {n}" for n in range(100, 600))
    done = await schools.add_approved_bulk(session, methodist, world.municipality_id, many, now)
    assert done.added == 500
    # add_approved checks that the municipality belongs to the service it names.
    with pytest.raises(DomainError):
        await schools.add_approved(session, methodist, other.id, world.service_id, "Школа 1", now)


async def test_invite_preview_names_the_operator(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    preview = await invites.preview(session, token, 4301, clock.now())
    assert preview.operator_name == "ИМЦ Ленинского района"
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, clock.now())
    preview = await invites.preview(session, link.token, 4302, clock.now())
    assert preview.operator_name == "ИМЦ Ленинского района"
