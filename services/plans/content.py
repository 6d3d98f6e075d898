"""What a plan says, as frozen values: the edition shown, exported (DOCX, XLSX) and — frozen
as JSON on the edition (`AnnualPlan.snapshot`) — what a meeting approves.

Like `services.protocol_content`, names are copied in (the chair, the people responsible,
the schools), so an approved plan keeps the names it was approved with even after a member
asks the bot to forget them. `to_json` / `from_json` round-trip exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from models import PlanRowKind, PlanStatus


@dataclass(frozen=True, slots=True)
class Responsible:
    """«Ответственный исполнитель»: a roster member (`person_id`) or a typed name."""

    name: str
    person_id: int | None = None

    @property
    def on_roster(self) -> bool:
        return self.person_id is not None


@dataclass(frozen=True, slots=True)
class PlanRowContent:
    position: int
    direction: str
    topic: str
    day: date | None
    kind: PlanRowKind
    venue: str | None  # the school's name or the typed text
    venue_school_id: int | None = None
    responsible: tuple[Responsible, ...] = ()
    meeting_id: int | None = None


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    """A line of an РМО's «График заседаний» (002 Annex 4 §3.2): date, topic, form."""

    day: date | None
    topic: str
    kind: PlanRowKind
    venue: str | None


@dataclass(frozen=True, slots=True)
class PlanContent:
    plan_id: int
    association: str
    association_kind: str
    locale: str  # the association's language: ru | en
    school_year: int
    edition: int
    status: PlanStatus
    theme: str | None = None
    goal: str | None = None
    tasks: str | None = None
    planned_result: str | None = None
    work_forms: str | None = None
    rows: tuple[PlanRowContent, ...] = ()
    chair: str | None = None  # «Руководитель профессионального объединения»
    protocol_number: int | None = None
    protocol_date: date | None = None

    @property
    def year_label(self) -> str:
        return f"{self.school_year}/{self.school_year + 1}"

    @property
    def schedule(self) -> tuple[ScheduleEntry, ...]:
        """The meeting rows (заседание, практический семинар) by date; undated ones last,
        in the table's order."""
        meetings = [r for r in self.rows if r.kind is not PlanRowKind.OTHER]
        meetings.sort(key=lambda r: (r.day is None, r.day or date.min, r.position))
        return tuple(ScheduleEntry(r.day, r.topic, r.kind, r.venue) for r in meetings)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["protocol_date"] = self.protocol_date.isoformat() if self.protocol_date else None
        for row in data["rows"]:
            row["day"] = row["day"].isoformat() if row["day"] else None
            row["kind"] = str(row["kind"])
        data["status"] = str(self.status)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanContent:
        def row(raw: dict[str, Any]) -> PlanRowContent:
            return PlanRowContent(
                position=raw["position"],
                direction=raw["direction"],
                topic=raw["topic"],
                day=date.fromisoformat(raw["day"]) if raw.get("day") else None,
                kind=PlanRowKind(raw["kind"]),
                venue=raw.get("venue"),
                venue_school_id=raw.get("venue_school_id"),
                responsible=tuple(Responsible(**r) for r in raw.get("responsible", [])),
                meeting_id=raw.get("meeting_id"),
            )

        raw_date = data.get("protocol_date")
        return cls(
            plan_id=data["plan_id"],
            association=data["association"],
            association_kind=data["association_kind"],
            locale=data.get("locale", "ru"),
            school_year=data["school_year"],
            edition=data["edition"],
            status=PlanStatus(data["status"]),
            theme=data.get("theme"),
            goal=data.get("goal"),
            tasks=data.get("tasks"),
            planned_result=data.get("planned_result"),
            work_forms=data.get("work_forms"),
            rows=tuple(row(r) for r in data.get("rows", [])),
            chair=data.get("chair"),
            protocol_number=data.get("protocol_number"),
            protocol_date=date.fromisoformat(raw_date) if raw_date else None,
        )
