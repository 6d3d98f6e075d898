"""/centre through the Dispatcher (issue 18, item 2): the administrator groups a service under
a centre and takes one out; a centre offered to join another, a forged nested choice and a
methodist asking are refused in Russian, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import associations, centres, invites
from services.clock import FixedClock
from tests.factories import ADMIN, ADMIN_ID, register
from tests.flow import Flow, buttons
from tests.test_flows import snapshot

METHODIST = 6001
NESTED = (
    "Центр объединяет службы в один уровень: центр не может войти в другой центр, а служба — "
    "сама в себя. Ничего не изменено."
)


@pytest.fixture
async def ids(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> dict[str, int]:
    async with sm() as s:
        made = {
            name: (await associations.create_service(s, ADMIN, name, clock.now())).id
            for name in ("ММЦ г. Бугуруслан", "ИМЦ Асекеевского района", "ИМЦ Абдулинского района")
        }
        await centres.set_centre(
            s, ADMIN, made["ИМЦ Абдулинского района"], made["ММЦ г. Бугуруслан"], clock.now()
        )
        link = await invites.create_methodist_link(s, ADMIN, made["ММЦ г. Бугуруслан"], clock.now())
        await register(s, link.token, METHODIST, clock, name="Методист ММЦ")
        await s.commit()
        return made


async def test_the_administrator_groups_and_detaches(
    flow: Flow, ids: dict[str, int], sm: async_sessionmaker[AsyncSession]
) -> None:
    await flow.send(ADMIN_ID, "/centre")
    assert [t for t, _ in buttons(flow.last(ADMIN_ID, True))] == [
        "ИМЦ Абдулинского района → ММЦ г. Бугуруслан",
        "ИМЦ Асекеевского района",
        "ММЦ г. Бугуруслан — центр, служб: 1",
    ]
    reply = await flow.press(ADMIN_ID, "ИМЦ Асекеевского района")
    assert reply.texts[-1] == "В какой центр входит «ИМЦ Асекеевского района»?"
    assert [t for t, _ in buttons(flow.last(ADMIN_ID, True))] == ["ММЦ г. Бугуруслан"]
    reply = await flow.press(ADMIN_ID, "ММЦ г. Бугуруслан")
    assert reply.texts[-1] == (
        "✅ «ИМЦ Асекеевского района» теперь входит в центр «ММЦ г. Бугуруслан»."
    )
    # Refused, nothing written: a centre offered to join; a forged nested choice; a methodist.
    before = await snapshot(sm)
    await flow.send(ADMIN_ID, "/centre")
    reply = await flow.press(ADMIN_ID, "ММЦ г. Бугуруслан — центр")
    assert reply.texts[-1] == (
        "«ММЦ г. Бугуруслан» — сама центр (служб: 2): она не может войти в другой центр."
    )
    centre, north = ids["ММЦ г. Бугуруслан"], ids["ИМЦ Асекеевского района"]
    for data in (f"cg:{centre}:{north}", f"cg:{north}:{north}"):
        reply = await flow.press_data(ADMIN_ID, data)
        assert reply.alerts() == [NESTED]
    reply = await flow.send(METHODIST, "/centre")
    assert reply.texts == ["У вас нет прав на это действие. Ничего не изменилось."]
    assert await snapshot(sm) == before
    # Taken out of the centre.
    await flow.send(ADMIN_ID, "/centre")
    await flow.press(ADMIN_ID, "ИМЦ Асекеевского района → ММЦ")
    reply = await flow.press(ADMIN_ID, "✖️ Выйти из «ММЦ г. Бугуруслан»")
    assert reply.texts[-1] == "✅ «ИМЦ Асекеевского района» больше не входит ни в один центр."
