"""Notifications: filled by its owner."""


def announce(event_id: int) -> None:
    """Placeholder until the notifications module is written."""
