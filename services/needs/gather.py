"""The needs breakdown across every needs survey of a scope, from a fixed number of queries
(each aggregated with GROUP BY), assembled in memory.

Which questions: the first two multiple-choice questions of a survey made from the needs
template (services.surveys.templates.NEEDS): the directions of support, then the formats.
Which answers: a named survey's all; an anonymous survey's only once it has closed with at
least 3 responses — as its own results, whose figures never change by one response while it
is open (services.surveys.tallies) — the others are counted as `waiting`.

School and subject: as they were when the answer was given (kept on a needs survey's
response: the teacher's school, and their subject or else their association's); a named
response from before that was kept: the person's school and subject now.

Anonymity in every group: a group (the whole, a subject, a school) holding 1 or 2 answers of
anonymous surveys is hidden whole — never its figures, since the named answers beside them
would let one subtract them out."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import SurveyStatus
from services.needs import queries
from services.needs.figures import K_MIN, Group, Share, percent
from services.overview.queries import Scope

GroupKey = tuple[int | None, str]  # (school, subject folded)


@dataclass
class Tally:
    """Counts of one group while they are summed."""

    answers: int = 0
    anonymous: int = 0
    asked: list[int] = field(default_factory=lambda: [0, 0])  # answered directions, formats
    chosen: list[Counter[str]] = field(default_factory=lambda: [Counter(), Counter()])

    def add(self, other: Tally) -> None:
        self.answers += other.answers
        self.anonymous += other.anonymous
        for n in (0, 1):
            self.asked[n] += other.asked[n]
            self.chosen[n].update(other.chosen[n])


@dataclass(frozen=True)
class Gathered:
    surveys: int
    waiting: int
    tallies: dict[GroupKey, Tally]
    subjects: dict[str, str]  # folded → as first written
    school_names: dict[int, str]


def _subject(value: str | None) -> str:
    return (value or "").strip()


def _options(raw: str, labels: list[str]) -> list[str]:
    try:
        given = json.loads(raw)
    except ValueError:
        return []
    picked = given.get("options", []) if isinstance(given, dict) else []
    return [labels[i].strip() for i in picked if isinstance(i, int) and 0 <= i < len(labels)]


async def gather(session: AsyncSession, scope: Scope, since: datetime) -> Gathered:
    found = (await session.execute(queries.surveys(scope, since))).all()
    counts = dict((await session.execute(queries.response_counts([s for s, *_ in found]))).all())
    counted: dict[int, bool] = {}  # survey → anonymous
    waiting = 0
    for sid, anonymous, status in found:
        if anonymous and (status is not SurveyStatus.CLOSED or counts.get(sid, 0) < K_MIN):
            waiting += 1
        else:
            counted[sid] = bool(anonymous)
    which: dict[int, tuple[int, list[str]]] = {}  # question → (0 directions | 1 formats, options)
    seen: Counter[int] = Counter()
    for sid, qid, options in await session.execute(queries.choice_questions(list(counted))):
        if seen[sid] < 2:
            which[qid] = (seen[sid], list(options or []))
        seen[sid] += 1
    tallies: dict[GroupKey, Tally] = defaultdict(Tally)
    subjects: dict[str, str] = {}

    def key(school: int | None, subject: str | None) -> GroupKey:
        name = _subject(subject)
        subjects.setdefault(name.casefold(), name)
        return school, name.casefold()

    for sid, school, subject, n in await session.execute(queries.groups(list(counted))):
        tally = tallies[key(school, subject)]
        tally.answers += n
        tally.anonymous += n if counted[sid] else 0
    for _sid, qid, raw, school, subject, n in await session.execute(queries.answers(list(which))):
        number, labels = which[qid]
        tally = tallies[key(school, subject)]
        tally.asked[number] += n
        for label in _options(raw, labels):
            tally.chosen[number][label] += n
    ids = {school for school, _ in tallies if school is not None}
    names = dict((await session.execute(queries.school_names(ids))).all()) if ids else {}
    return Gathered(len(counted), waiting, dict(tallies), subjects, names)


def _shares(tally: Tally, number: int) -> tuple[Share, ...]:
    chosen, asked = tally.chosen[number], tally.asked[number]
    ordered = sorted(chosen.items(), key=lambda item: (-item[1], item[0].casefold()))
    return tuple(Share(label, n, percent(n, asked) or 0) for label, n in ordered)


def group_of(name: str, school_id: int | None, tallies: Iterable[Tally]) -> Group:
    whole = Tally()
    for tally in tallies:
        whole.add(tally)
    if 0 < whole.anonymous < K_MIN:
        return Group(name, school_id, 0, True, (), ())
    return Group(name, school_id, whole.answers, False, _shares(whole, 0), _shares(whole, 1))


def by_subject(found: Gathered) -> tuple[Group, ...]:
    parts: dict[str, list[Tally]] = defaultdict(list)
    for (_school, subject), tally in found.tallies.items():
        parts[subject].append(tally)
    groups = [group_of(found.subjects[s], None, t) for s, t in parts.items()]
    return tuple(sorted(groups, key=lambda g: (not g.name, g.name.casefold())))


def by_school(found: Gathered) -> tuple[Group, ...]:
    parts: dict[int | None, list[Tally]] = defaultdict(list)
    for (school, _subject), tally in found.tallies.items():
        parts[school].append(tally)
    groups = [
        group_of(found.school_names.get(s, "") if s is not None else "", s, t)
        for s, t in parts.items()
    ]
    return tuple(sorted(groups, key=lambda g: (g.school_id is None, g.name.casefold())))


def of_school(found: Gathered, school_id: int, name: str) -> Group:
    return group_of(name, school_id, [t for (s, _), t in found.tallies.items() if s == school_id])
