"""The fieldwork models, one module per family, re-exported here."""

from .checklists import NO, YES, Checklist, ChecklistItem, ChecklistVersion, ItemKind
from .diary import DiaryComment, DiaryEntry, DiaryTag
from .pairings import HelperKind, Pairing
from .patrols import Answer, CheckIn, CheckInMethod, FieldPhoto, Handling, MissedWindow, Patrol, RoutePoint
from .plans import PatrolPlan, PatrolWindow, PlanDays, PlanKind, PlanTarget, TargetKind
from .rectification import (
    CASE_DONE_STATUSES,
    PhotoStage,
    RectificationItem,
    RectificationList,
    RectificationPhoto,
)
from .sync import SyncedRecord, SyncKind
from .visits import Visit, VisitMethod, VisitPurpose

__all__ = [
    "CASE_DONE_STATUSES",
    "NO",
    "YES",
    "Answer",
    "CheckIn",
    "CheckInMethod",
    "Checklist",
    "ChecklistItem",
    "ChecklistVersion",
    "DiaryComment",
    "DiaryEntry",
    "DiaryTag",
    "FieldPhoto",
    "Handling",
    "HelperKind",
    "ItemKind",
    "MissedWindow",
    "Pairing",
    "Patrol",
    "PatrolPlan",
    "PatrolWindow",
    "PhotoStage",
    "PlanDays",
    "PlanKind",
    "PlanTarget",
    "RectificationItem",
    "RectificationList",
    "RectificationPhoto",
    "RoutePoint",
    "SyncKind",
    "SyncedRecord",
    "TargetKind",
    "Visit",
    "VisitMethod",
    "VisitPurpose",
]
