"""The fieldwork models, one module per family, re-exported here."""

from .checklists import NO, YES, Checklist, ChecklistItem, ChecklistVersion, ItemKind
from .diary import DiaryEntry, DiaryTag
from .patrols import Answer, CheckIn, CheckInMethod, FieldPhoto, Handling, MissedWindow, Patrol, RoutePoint
from .plans import PatrolPlan, PatrolWindow, PlanDays, PlanKind, PlanTarget, TargetKind
from .sync import SyncedRecord, SyncKind
from .visits import Visit, VisitMethod, VisitPurpose

__all__ = [
    "NO", "YES", "Answer", "CheckIn", "CheckInMethod", "Checklist", "ChecklistItem", "ChecklistVersion",
    "DiaryEntry", "DiaryTag", "FieldPhoto", "Handling", "ItemKind", "MissedWindow", "Patrol", "PatrolPlan",
    "PatrolWindow", "PlanDays", "PlanKind", "PlanTarget", "RoutePoint", "SyncKind", "SyncedRecord", "TargetKind",
    "Visit", "VisitMethod", "VisitPurpose",
]
