"""What a methodist checks a protocol against: the quorum sentence in the quorum card's
words, each decision «принято» / «не принято» with its reason, signatures «И.О. Фамилия»."""

from __future__ import annotations

from dataclasses import replace

import pytest

from documents.protocol import blocks
from services.protocol_content import Attendee, Outcome, ProtocolContent, Question, initials
from tests.test_protocol_documents import make_content


@pytest.mark.parametrize(
    ("name", "signed"),
    [
        ("Анна-Мария Петровна Иванова-Смирнова", "А.-М.П. Иванова-Смирнова"),
        ("Иванова-Смирнова Анна-Мария Петровна", "А.-М.П. Иванова-Смирнова"),
        ("Смирнова Елена Викторовна", "Е.В. Смирнова"),
        ("Елена Викторовна Смирнова", "Е.В. Смирнова"),
        ("Ёлкина Алёна Фёдоровна", "А.Ф. Ёлкина"),
        ("Фёдор Ильич Ёжиков", "Ф.И. Ёжиков"),
        ("Салтыков-Щедрин Михаил Евграфович", "М.Е. Салтыков-Щедрин"),
        ("Алиев Рашид Мамед оглы", "Р.М. Алиев"),
        ("Смирнова Елена", "Е. Смирнова"),
        ("Елена Смирнова", "Е. Смирнова"),
        ("Ким Ирина", "И. Ким"),
        ("Ирина Ким", "И. Ким"),
        ("Пушкина Ирина", "И. Пушкина"),
        ("Платон", "Платон"),
        ("Иван Петрович Богданович", "И.П. Богданович"),
        ("Богданович Иван Петрович", "И.П. Богданович"),
        ("  Платон  ", "Платон"),
        ("Петров С. И.", "С.И. Петров"),
        ("Петров С.И.", "С.И. Петров"),
        ("Е.В. Смирнова", "Е.В. Смирнова"),
        ("смирнова елена викторовна", "Е.В. смирнова"),
        ("", ""),
        ("—", ""),
    ],
)
def test_initials(name: str, signed: str) -> None:
    assert initials(name) == signed


def texts(content: ProtocolContent) -> list[str]:
    return [b.text for b in blocks(content)]


def people(count: int) -> tuple[Attendee, ...]:
    return tuple(Attendee(f"Член{n} Иван Петрович") for n in range(count))


def quorum_line(content: ProtocolContent) -> str:
    words = texts(content)
    index = next(i for i, w in enumerate(words) if w.startswith("Присутствовали:"))
    return words[index] + " " + words[index + 1]


def test_quorum_sentence_valid_meeting() -> None:
    content = make_content(present=people(9), members=12)
    assert quorum_line(content) == (
        "Присутствовали: 9 из 12 членов объединения. Кворум имеется, заседание правомочно "
        "(не менее 1/2); решения принимаются (не менее 2/3)."
    )


def test_quorum_sentence_valid_but_no_decisions() -> None:
    content = make_content(present=people(7), members=12)
    assert quorum_line(content) == (
        "Присутствовали: 7 из 12 членов объединения. Кворум имеется, заседание правомочно "
        "(не менее 1/2); решения не принимаются (не менее 2/3)."
    )


def test_quorum_sentence_invalid_meeting_with_the_associations_fractions() -> None:
    content = make_content(present=people(5), members=12, validity=(3, 4), decision=(4, 5))
    assert quorum_line(content) == (
        "Присутствовали: 5 из 12 членов объединения. Кворума нет, заседание неправомочно "
        "(не менее 3/4); решения не принимаются (не менее 4/5)."
    )


def test_each_decision_says_adopted_or_why_not() -> None:
    questions = (
        Question(1, "Первый", None, decision="Одобрить.", outcome=Outcome(9, 0, 0, 9, 12, True)),
        Question(2, "Второй", None, decision="Отказать.", outcome=Outcome(5, 0, 0, 7, 12, False)),
        Question(3, "Третий", None, decision="Принять.", outcome=Outcome(3, 3, 2, 9, 12, False)),
    )
    words = " ".join(texts(make_content(questions=questions, form="in_person")))
    assert "«воздержались» — 0. Решение принято." in words
    assert "Решение не принято: нет кворума для принятия решений (7 из 12 < 2/3)." in words
    assert (
        "Решение не принято: голосов «за» не больше, чем «против» и «воздержались» вместе "
        "(3 ≤ 3 + 2)." in words
    )


def test_english_quorum_and_reason() -> None:
    questions = (Question(1, "One", None, decision="Do.", outcome=Outcome(5, 0, 0, 7, 12, False)),)
    content = make_content(locale="en", present=people(7), members=12, questions=questions)
    words = " ".join(texts(content))
    assert (
        "Present: 7 of 12 members of the association. There is a quorum, the meeting is valid "
        "(at least 1/2); decisions cannot be taken (at least 2/3)." in words
    )
    assert "Not adopted: no quorum for decisions (7 of 12 < 2/3)." in words


def test_signatures_are_initials_and_surname() -> None:
    content = make_content(
        presiding=replace(make_content().presiding, name="Анна-Мария Петровна Иванова-Смирнова")
    )
    names = [b.text for b in blocks(content) if b.kind == "signature"]
    assert names == ["А.-М.П. Иванова-Смирнова", "А.П. Иванова"]


def test_content_keeps_kind_and_fractions_through_json() -> None:
    content = make_content(kind="council", validity=(3, 4), decision=(4, 5), city="г. Тверь")
    assert ProtocolContent.from_json(content.to_json()) == content
    old = content.to_json()
    for key in ("kind", "validity", "decision", "city"):
        old.pop(key)
    restored = ProtocolContent.from_json(old)
    assert (restored.kind, restored.validity, restored.decision) == ("rmo", (1, 2), (2, 3))


# --- the association's kind and the meeting's form ----------------------------------------


def test_council_wording() -> None:
    content = make_content(kind="council", form="in_person")
    parts = blocks(content)
    words = [b.text for b in parts]
    assert "заседания муниципального методического совета" in words
    assert any(w.startswith("Присутствовали: 3 из 4 членов Совета.") for w in words)
    signatures = [(b.lead, b.text) for b in parts if b.kind == "signature"]
    assert signatures == [
        ("Председатель Совета", "С.И. Петров"),
        ("Ответственный секретарь", "А.П. Иванова"),
    ]
    deputy = replace(content, presiding=replace(content.presiding, title="deputy"))
    lead = next(b.lead for b in blocks(deputy) if b.kind == "signature")
    assert lead == "Заместитель председателя Совета"


def test_rmo_and_other_kinds() -> None:
    rmo = blocks(make_content(kind="rmo"))
    assert "заседания районного методического объединения" in [b.text for b in rmo]
    assert next(b.lead for b in rmo if b.kind == "signature") == "Руководитель РМО"
    group = blocks(make_content(kind="creative_group"))
    assert "заседания профессионального объединения педагогов" in [b.text for b in group]
    lead = next(b.lead for b in group if b.kind == "signature")
    assert lead == "Руководитель профессионального объединения"


def test_absentee_wording_has_no_heard_and_a_tally_appendix() -> None:
    content = make_content(form="absentee")
    parts = blocks(content)
    words = [b.text for b in parts]
    assert "Форма: заочное заседание (опросные листы)" in words
    assert "Приняли участие в голосовании: 3 из 4 членов объединения." in words
    assert not any(w.startswith("Присутствовали") for w in words)
    assert not any(b.lead == "СЛУШАЛИ:" for b in parts)
    assert not any(w.startswith("Место") for w in words)
    index = words.index("Приложение: результаты голосования по опросным листам")
    assert words[index + 1 : index + 3] == [
        "1. Об утверждении плана на второе полугодие: «за» — 3, «против» — 0, «воздержались» — 1; "
        "опросных листов: 3 из 4; принято",
        "2. Об участии в областном конкурсе: «за» — 1, «против» — 2, «воздержались» — 0; "
        "опросных листов: 3 из 4; не принято",
    ]


def test_in_person_has_no_appendix_and_heard_stays() -> None:
    parts = blocks(make_content(form="in_person"))
    assert "Форма: очное заседание" in [b.text for b in parts]
    assert any(b.lead == "СЛУШАЛИ:" for b in parts)
    assert not any("опросным листам" in b.text for b in parts)


def test_hybrid_lists_the_room_and_online_apart() -> None:
    words = texts(make_content(form="hybrid"))
    assert "Форма: гибридное заседание (очно и онлайн)" in words
    room = words.index("Очно: 2")
    online = words.index("Дистанционно (онлайн): 1")
    assert words[room + 1 : room + 3] == [
        "1. Петров Сергей Иванович, МОУ СОШ № 5",
        "2. Иванова Анна Петровна, Лицей № 2",
    ]
    assert words[online + 1] == "1. Сидорова Мария Олеговна, Гимназия № 1"


def test_english_council_and_absentee() -> None:
    words = texts(make_content(locale="en", kind="council", form="absentee"))
    assert "of the meeting of the municipal methodological council" in words
    assert "Form: absentee meeting (ballot papers)" in words
    assert "Took part in the vote: 3 of 4 members of the Council." in words
    assert "Appendix: results of the vote by ballot papers" in words
