"""Models of the cases app; each module holds one family (see the module docstrings)."""

from .calendar import CalendarDay
from .case import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    RESIDENT_CHANNELS,
    AssignmentRole,
    AssignmentState,
    AttachmentKind,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseSupervision,
    Channel,
    ExtensionRequest,
    ExtensionState,
    Outcome,
    Rating,
    RatingSource,
    Stage,
    Status,
    SupervisionSource,
)
from .catalog import (
    AttributeKind,
    Category,
    CategoryAttribute,
    DeadlineUnit,
    HandlingLevel,
    Priority,
    RoutingRule,
    SupervisionKind,
    SupervisionStep,
)
from .dispute import Dispute, DisputeKind, DisputeParty, DisputeResult, MediationSession, PartyRole
from .ledger_export import ExportStatus, LedgerExport, LedgerKind
from .notification import Announcement, Notification, UnreadCount
from .rollup import CaseRollup, CaseRollupSlice, RollupWatermark, SliceDimension

__all__ = [
    "FINAL_STATUSES", "OPEN_STATUSES", "RESIDENT_CHANNELS", "Announcement", "AssignmentRole", "AssignmentState",
    "AttachmentKind",
    "AttributeKind", "CalendarDay", "Case", "CaseAssignment", "CaseAttachment", "CaseEvent", "CaseRollup",
    "CaseRollupSlice", "CaseSupervision", "Category", "CategoryAttribute", "Channel", "DeadlineUnit", "Dispute",
    "DisputeKind", "DisputeParty", "DisputeResult", "ExportStatus", "ExtensionRequest", "ExtensionState",
    "HandlingLevel", "LedgerExport", "LedgerKind", "MediationSession", "Notification", "Outcome", "PartyRole",
    "Priority", "Rating", "RatingSource", "RollupWatermark", "RoutingRule", "SliceDimension", "Stage", "Status",
    "SupervisionKind", "SupervisionSource", "SupervisionStep", "UnreadCount",
]
