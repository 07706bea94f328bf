"""Bulk creation of new residents, with what ``save()`` and the audit signals would have done.

A large roster creates thousands of residents; saving them one by one costs two queries each
plus one change-log row. ``bulk_create`` skips ``save()`` and the signals, so this module fills
the columns ``save()`` computes (``grid_code``, the blind indexes) and writes the change-log
rows itself, in bulk, as ``audit.registry.record`` would (``record_created_in_bulk``).
"""

from __future__ import annotations

from audit.registry import record_created_in_bulk
from registry.models import CareTag, Resident
from registry.pii import document_index, index_value

BATCH_SIZE = 500


def create_residents(new_residents: list[tuple[Resident, list[CareTag]]]) -> list[Resident]:
    """Insert the residents, their care tags and one change-log entry each; returns them saved."""
    residents = [resident for resident, _tags in new_residents]
    for resident in residents:
        resident.grid_code = resident.grid.code
        resident.id_number_index = document_index(resident.document_type, resident.id_number)
        resident.phone_index = index_value("phone", resident.phone)
    created = Resident.objects.bulk_create(residents, batch_size=BATCH_SIZE)
    through = Resident.care_tags.through
    links = [
        through(resident_id=resident.pk, caretag_id=tag.pk)
        for resident, tags in new_residents
        for tag in tags
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    record_created_in_bulk(created, batch_size=BATCH_SIZE)
    return created
