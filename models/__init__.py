"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from models.alert import AlertName, OperatorAlert
from models.analysis import AnalysisStatus, AnnualAnalysis
from models.announcement import Announcement, AnnouncementService, AnnouncementStatus
from models.association import Association, AssociationKind, CadencePeriod
from models.attendance import PRESENT_KINDS, Attendance, Choice, Presence, Vote
from models.audit import AuditEntry
from models.base import Base
from models.compliance import ComplianceFinding, ComplianceSetting
from models.directory import MethodService, Municipality, School, SchoolStatus
from models.invite import Invite, InviteKind
from models.meeting import (
    AgendaItem,
    AgendaProposal,
    Material,
    Meeting,
    MeetingForm,
    MeetingStatus,
    ProposalStatus,
    Rsvp,
    RsvpAnswer,
)
from models.membership import Membership, Methodist, Role
from models.outbox import Broadcast, OutboxMessage, OutboxStatus, StoredFile
from models.person import Category, Identity, Person
from models.plan import AnnualPlan, AnnualPlanRow, PlanRowKind, PlanStatus
from models.protocol import Protocol, ProtocolRecipient, ProtocolVersion
from models.survey import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyDraft,
    SurveyKind,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)
from models.yearend import CourseForm, YearCourse, YearReport

__all__ = [
    "PRESENT_KINDS",
    "AgendaItem",
    "AgendaProposal",
    "AlertName",
    "AnalysisStatus",
    "Announcement",
    "AnnouncementService",
    "AnnouncementStatus",
    "AnnualAnalysis",
    "AnnualPlan",
    "AnnualPlanRow",
    "Association",
    "AssociationKind",
    "Attendance",
    "AuditEntry",
    "Base",
    "Broadcast",
    "CadencePeriod",
    "Category",
    "Choice",
    "ComplianceFinding",
    "ComplianceSetting",
    "CourseForm",
    "Identity",
    "Invite",
    "InviteKind",
    "Material",
    "Meeting",
    "MeetingForm",
    "MeetingStatus",
    "Membership",
    "MethodService",
    "Methodist",
    "Municipality",
    "OperatorAlert",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "PlanRowKind",
    "PlanStatus",
    "Presence",
    "ProposalStatus",
    "Protocol",
    "ProtocolRecipient",
    "ProtocolVersion",
    "QuestionKind",
    "Role",
    "Rsvp",
    "RsvpAnswer",
    "School",
    "SchoolStatus",
    "StoredFile",
    "Survey",
    "SurveyAnswer",
    "SurveyAudience",
    "SurveyDraft",
    "SurveyKind",
    "SurveyQuestion",
    "SurveyRecipient",
    "SurveyResponse",
    "SurveyStatus",
    "Vote",
    "YearCourse",
    "YearReport",
]
