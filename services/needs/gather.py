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

Anonymity in every group, counted per survey: a group (the whole, a subject, a school) to which
any one anonymous survey gives 1 or 2 answers is hidden whole — never its figures, since the
named answers beside them would let one subtract them out, and since two views of different
scopes (one service, every service) differ by whole surveys: a shown group's difference is
then 0 or at least 3 answers of each survey. And where the hidden groups of a partition (the
schools, the subjects) hold 1 or 2 answers of one anonymous survey together, the shown group
with the fewest of that survey's is hidden too, so the whole less the shown groups gives no
group under 3 away."""

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
GroupKeyPart = int | str | None  # a school's id (None: not stated), or a folded subject


@dataclass
class Tally:
    """Counts of one group while they are summed."""

    answers: int = 0
    anonymous: Counter[int] = field(default_factory=Counter)  # survey → its anonymous answers
    asked: list[int] = field(default_factory=lambda: [0, 0])  # answered directions, formats
    chosen: list[Counter[str]] = field(default_factory=lambda: [Counter(), Counter()])

    def add(self, other: Tally) -> None:
        self.answers += other.answers
        self.anonymous.update(other.anonymous)
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
        if counted[sid]:
            tally.anonymous[sid] += n
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


def _sum(tallies: Iterable[Tally]) -> Tally:
    whole = Tally()
    for tally in tallies:
        whole.add(tally)
    return whole


def _few(tally: Tally) -> bool:
    """Some anonymous survey gives the group 1 or 2 answers."""
    return any(0 < n < K_MIN for n in tally.anonymous.values())


def group_of(name: str, school_id: int | None, tally: Tally, *, hidden: bool = False) -> Group:
    if hidden or _few(tally):
        return Group(name, school_id, 0, True, (), ())
    return Group(name, school_id, tally.answers, False, _shares(tally, 0), _shares(tally, 1))


def whole_of(found: Gathered) -> Group:
    return group_of("", None, _sum(found.tallies.values()))


def suppressed(parts: dict[GroupKeyPart, Tally]) -> set[GroupKeyPart]:
    """The groups of a partition to hide: those to which one anonymous survey gives 1 or 2
    answers, and then, while the hidden ones hold 1 or 2 answers of one survey together, the
    shown one with the fewest of that survey's — else the whole less the shown groups would
    give the hidden ones' figures away."""
    hidden = {k for k, t in parts.items() if _few(t)}
    pooled: Counter[int] = Counter()
    for k in hidden:
        pooled.update(parts[k].anonymous)
    stuck: set[int] = set()  # no shown group holds that survey's answers: nothing to hide
    while True:
        short = sorted(s for s, n in pooled.items() if 0 < n < K_MIN and s not in stuck)
        if not short:
            return hidden
        sid = short[0]
        shown = [k for k, t in parts.items() if k not in hidden and t.anonymous[sid]]
        if not shown:
            stuck.add(sid)
            continue
        key = min(shown, key=lambda k: (parts[k].anonymous[sid], str(k)))
        hidden.add(key)
        pooled.update(parts[key].anonymous)


def _partition(found: Gathered, *, schools: bool) -> list[Group]:
    parts: dict[GroupKeyPart, list[Tally]] = defaultdict(list)
    for (school, subject), tally in found.tallies.items():
        parts[school if schools else subject].append(tally)
    sums = {k: _sum(t) for k, t in parts.items()}
    hidden = suppressed(sums)
    groups = []
    for k, tally in sums.items():
        if schools:
            school = k if isinstance(k, int) else None
            name = found.school_names.get(school, "") if school is not None else ""
        else:
            school, name = None, found.subjects[str(k)]
        groups.append(group_of(name, school, tally, hidden=k in hidden))
    return groups


def by_subject(found: Gathered) -> tuple[Group, ...]:
    groups = _partition(found, schools=False)
    return tuple(sorted(groups, key=lambda g: (not g.name, g.name.casefold())))


def by_school(found: Gathered) -> tuple[Group, ...]:
    groups = _partition(found, schools=True)
    return tuple(sorted(groups, key=lambda g: (g.school_id is None, g.name.casefold())))


def of_school(found: Gathered, school_id: int, name: str) -> Group:
    """The school's group as the breakdown by school shows it (hidden alike)."""
    for group in _partition(found, schools=True):
        if group.school_id == school_id:
            return group
    return Group(name, school_id, 0, False, (), ())
