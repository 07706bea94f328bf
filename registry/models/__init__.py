"""基础信息: the registry of 人、地、物、组织 — buildings, dwellings, households, residents,
registered units (实有单位), public facilities (部件) and vehicles.

Every record belongs to a grid (or micro-grid) and keeps that grid's code in ``grid_code``, a
denormalised column so that "everything under street X" is one indexed prefix filter, the
same rule as the area tree. ID numbers and phone numbers are encrypted at rest
(``EncryptedCharField``) and found by exact search through keyed blind indexes
(``<field>_index``); see ``registry.pii``.

Each module holds one family (see the module docstrings): ``base`` (the grid-scoped base),
``places`` (地), ``people`` (人), ``things`` (物 and 组织) and ``import_job``.
"""

from .base import GridScoped, GridScopedQuerySet, VerificationState
from .import_job import ImportJob, ImportJobQuerySet, ImportKind, ImportStatus
from .people import (
    CareTag,
    DocumentType,
    Gender,
    Household,
    HouseholdMember,
    HouseholdMemberQuerySet,
    PoliticalStatus,
    Relation,
    ResidencyType,
    Resident,
    ResidentStatus,
)
from .places import Building, BuildingKind, BuildingUnit, Dwelling, DwellingUse
from .things import Establishment, EstablishmentKind, Facility, FacilityCategory, FacilityState, Vehicle, VehicleKind

__all__ = [
    "Building", "BuildingKind", "BuildingUnit", "CareTag", "DocumentType", "Dwelling", "DwellingUse", "Establishment",
    "EstablishmentKind", "Facility", "FacilityCategory", "FacilityState", "Gender", "GridScoped", "GridScopedQuerySet",
    "Household", "HouseholdMember", "HouseholdMemberQuerySet", "ImportJob", "ImportJobQuerySet", "ImportKind",
    "ImportStatus", "PoliticalStatus", "Relation", "ResidencyType", "Resident", "ResidentStatus", "Vehicle",
    "VehicleKind", "VerificationState",
]
