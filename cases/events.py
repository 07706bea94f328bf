"""What follows a timeline entry once it is committed: its notifications and the case-event listeners.

A transition (``cases.workflow.record``) does not tell anyone inside the request. It enqueues one
task, ``announce_event_task`` (django-tasks: the database queue by default, run by
``manage.py task_worker``), so the request writes one task row instead of inbox rows, e-mails
and SMS. On the database queue the task row is written in the transition's own transaction: it
commits with the entry (one commit per request, not two) and a rolled-back transition leaves no
task, while a worker never sees the row before the commit. Any other backend (Redis/RQ, whose
worker could run before the commit) gets the task after the commit. The task, like the
supervision worker, calls ``announce_event``:

1. claims the entry by inserting its ``Announcement`` row; a second run (a retry, a second
   worker) finds the row and does nothing, so each entry is announced once;
2. writes the inbox rows and sends the e-mails and SMS (``cases.notifications.announce``);
3. calls every registered listener with the entry, in the same transaction as the claim.

Listeners are how higher apps (webhooks, integrations) hear of case events without the cases
app importing them: ``register_listener(fn)`` in their ``AppConfig.ready``. A listener receives
the ``CaseEvent`` (its ``case`` loaded); what it writes to the database commits with the claim.
Its failure is logged and rolled back on its own, never stopping the others or the notifications;
slow work (HTTP calls) belongs in a task of its own that the listener enqueues.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django_tasks import task
from django_tasks_db import DatabaseBackend

from cases import notifications
from cases.models import Announcement, CaseEvent

logger = logging.getLogger(__name__)

Listener = Callable[[CaseEvent], None]

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    """Call ``listener(event)`` for every announced timeline entry; usable as a decorator.

    Registering the same function twice has no further effect.
    """
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def unregister_listener(listener: Listener) -> None:
    """Stop calling ``listener`` (tests, and apps that turn an integration off)."""
    if listener in _listeners:
        _listeners.remove(listener)


def announce_later(event_id: int) -> None:
    """Have this entry announced once the current transaction commits.

    On the database queue the task row joins the transaction (it commits or rolls back with the
    entry); on any other backend the task is enqueued after the commit. Inside
    ``cases.notifications.silenced()`` (demo data, imports) nothing is enqueued.
    """
    if notifications.is_silenced():
        return
    if queued_in_database():
        announce_event_task.enqueue(event_id)
    else:
        transaction.on_commit(lambda: announce_event_task.enqueue(event_id))


def queued_in_database() -> bool:
    """Whether the announcing task is queued in this database (``django_tasks_db``), so its row
    can be written in the caller's transaction."""
    return isinstance(announce_event_task.get_backend(), DatabaseBackend)


@task()
def announce_event_task(event_id: int) -> bool:
    """The background half of a transition: ``announce_event``; returns whether this run announced it."""
    return announce_event(event_id)


def announce_event(event_id: int) -> bool:
    """Notify everyone concerned and tell the listeners, once per entry; False when already done.

    Never raises for a failing delivery or listener (they are logged); a database that refuses the
    claim itself propagates, so the task is retried or marked failed rather than lost silently.
    """
    if notifications.is_silenced():
        return False
    try:
        with transaction.atomic():
            Announcement.objects.create(event_id=event_id)
            notifications.announce(event_id)
            _tell_listeners(event_id)
    except IntegrityError:
        return False  # announced already (or the entry is gone)
    return True


def tell_listeners(event_id: int) -> bool:
    """Claim the entry and tell the listeners only, without notifications; False when already done.

    For the supervision worker's lower rungs of one climb (an overdue entry issued together with
    its 催办): people hear of the highest rung alone, but listeners (webhooks' ``case.overdue``)
    hear of every entry.
    """
    if notifications.is_silenced():
        return False
    try:
        with transaction.atomic():
            Announcement.objects.create(event_id=event_id)
            _tell_listeners(event_id)
    except IntegrityError:
        return False
    return True


def _tell_listeners(event_id: int) -> None:
    if not _listeners:
        return
    event = CaseEvent.objects.select_related("case").get(pk=event_id)
    for listener in list(_listeners):
        try:
            with transaction.atomic():
                listener(event)
        except Exception:
            logger.exception("Case event listener %r failed on event %s", listener, event_id)
