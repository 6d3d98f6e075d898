"""The built-in questionnaires: professional needs and deficits, satisfaction with the
association's work (both start anonymous; the author can make a draft named on its card),
and the members' year-end report (named, its questions fixed: services.surveys.yearend).
Texts are English msgids, rendered in the author's language when a draft is made from them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.survey import QuestionKind
from services.surveys import yearend
from services.surveys.common import N_


class TemplateKey(StrEnum):
    """A built-in template's code (also the code its button carries)."""

    NEEDS = "needs"
    SATISFACTION = "satisfaction"
    YEAREND = "yearend"


@dataclass(frozen=True)
class TemplateQuestion:
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Template:
    key: TemplateKey
    title: str  # msgid
    anonymous: bool
    questions: tuple[TemplateQuestion, ...]


_Q = TemplateQuestion
_SINGLE, _MULTIPLE, _SCALE = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE
_SHORT, _LONG = QuestionKind.SHORT, QuestionKind.LONG

NEEDS = Template(
    key=TemplateKey.NEEDS,
    title=N_("Professional needs and deficits"),
    anonymous=True,  # as every template: the author makes it named on the card
    questions=(
        _Q(
            _MULTIPLE,
            N_("In which directions would you like methodological support?"),
            (
                N_("Updated federal standards and work programmes"),
                N_("Functional literacy"),
                N_("Students with special educational needs"),
                N_("Gifted students and olympiads"),
                N_("Preparing students for state exams"),
                N_("Assessment of learning results"),
                N_("Digital tools and distance learning"),
                N_("Upbringing and class management"),
            ),
        ),
        _Q(
            _MULTIPLE,
            N_("Which formats of support suit you best?"),
            (
                N_("Seminars and workshops"),
                N_("Open lessons"),
                N_("Master classes"),
                N_("Individual consultations"),
                N_("Webinars"),
                N_("Mentoring"),
                N_("Materials for self-study"),
            ),
        ),
        _Q(
            _SCALE,
            N_("How confident do you feel in your professional work? (1 — not at all, 5 — fully)"),
        ),
        _Q(_SHORT, N_("Which seminar topics would you like at our meetings?"), required=False),
        _Q(
            _SINGLE,
            N_("Are you ready to share your experience with colleagues?"),
            (
                N_("Yes, with an open lesson or a master class"),
                N_("Yes, with a talk at a meeting"),
                N_("Yes, by publishing my materials"),
                N_("Not yet"),
            ),
        ),
        _Q(_LONG, N_("What difficulties do you meet in your work most often?"), required=False),
    ),
)

SATISFACTION = Template(
    key=TemplateKey.SATISFACTION,
    title=N_("Satisfaction with the association's work"),
    anonymous=True,
    questions=(
        _Q(
            _SCALE,
            N_(
                "How satisfied are you with the association's work overall? "
                "(1 — not at all, 5 — fully)"
            ),
        ),
        _Q(
            _SCALE,
            N_("How useful were the meetings for your practice? (1 — not at all, 5 — very)"),
        ),
        _Q(
            _SINGLE,
            N_("Did the association's work help you solve your professional problems?"),
            (N_("Yes"), N_("Partly"), N_("No")),
        ),
        _Q(
            _MULTIPLE,
            N_("Which forms of work were the most effective?"),
            (
                N_("Meetings and seminars"),
                N_("Open lessons"),
                N_("Master classes"),
                N_("Consultations"),
                N_("Sharing of materials"),
                N_("Joint projects"),
            ),
        ),
        _Q(
            _SCALE,
            N_("How well are you informed about the association's work? (1 — poorly, 5 — fully)"),
        ),
        _Q(_LONG, N_("What would you suggest improving next year?"), required=False),
    ),
)

YEAREND = Template(
    key=TemplateKey.YEAREND,
    title=N_("Year-end report"),
    anonymous=False,  # its answers go to the data bank under the person's name
    questions=(
        _Q(
            _LONG,
            N_(
                "Qualification courses you took this school year, one per line: title; "
                "direction (its number in the list); hours; in person or distance; provider; "
                "date finished (DD.MM.YYYY). «No» if none."
            ),
        ),
        _Q(
            _MULTIPLE,
            N_("Where did you share your experience this school year?"),
            tuple(label for _code, label in yearend.VENUES),
        ),
        _Q(
            _LONG,
            N_(
                "Professional contests you took part in and their results, one per line: "
                "contest — result. «No» if none."
            ),
        ),
        _Q(
            _LONG,
            N_("Open lessons and master classes you gave, one per line. «No» if none."),
        ),
        _Q(
            _MULTIPLE,
            N_("Which diagnostics of professional competences did you pass?"),
            tuple(label for _code, label in yearend.DIAGNOSTICS_OPTIONS),
        ),
        _Q(
            _MULTIPLE,
            N_("Do you follow an individual route of professional development?"),
            tuple(label for _code, label in yearend.ROUTES_OPTIONS),
        ),
    ),
)

TEMPLATES: dict[str, Template] = {t.key: t for t in (NEEDS, SATISFACTION, YEAREND)}
