# Ratings given before sources were recorded: a rating entered by the reporter (no acting user on
# its timeline entry) is the reporter's own; one entered by a user becomes a call-back (回访) by
# that user at the time it was entered. Old notes stay as they are: ``comment`` is the internal
# note, and ``reply`` (the only text the tracking page shows) starts empty.

from django.db import migrations


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    rated = Case.objects.exclude(rating="").filter(rating_source="")
    latest = {}
    for event in CaseEvent.objects.filter(case__in=rated, verb="rate").order_by("time", "pk"):
        latest[event.case_id] = event
    for case in rated.iterator():
        event = latest.get(case.pk)
        if event is not None and event.actor_id is not None:
            Case.objects.filter(pk=case.pk).update(rating_source="callback", rating_caller_id=event.actor_id,
                                                   rating_called_at=event.time)
        else:
            Case.objects.filter(pk=case.pk).update(rating_source="self")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_callbacks_notes"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
