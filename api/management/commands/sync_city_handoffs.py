"""``manage.py sync_city_handoffs [--loop [SECONDS]]``: the hand-off's periodic pass, once or forever.

Sends the hand-offs whose retry is due, pulls the city platforms' updates into the case
timelines and closes what the platforms closed (``api.handoff.operations.run_handoff_pass``).
Once suits cron or a systemd timer; ``--loop`` a long-running service (``make run`` starts it).
``--loop`` without a number pauses ``CITY_HANDOFF_INTERVAL`` seconds between passes. A failed
pass is logged and the loop goes on; Ctrl-C or SIGTERM ends it.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from api.handoff.operations import run_handoff_pass

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send due hand-offs to the city platforms and pull their updates (once, or every N seconds)."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop = threading.Event()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=float, nargs="?", metavar="SECONDS", default=False, const=None,
            help="Run forever, pausing this many seconds between passes (default: CITY_HANDOFF_INTERVAL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["loop"]
        if interval is False:
            self.stdout.write(str(run_handoff_pass()))
            return
        if interval is None:
            interval = float(settings.CITY_HANDOFF_INTERVAL)
        previous = self._stop_on_signals()
        self.stdout.write(f"Syncing city hand-offs every {interval:g} s; Ctrl-C stops.")
        try:
            while not self.stop.is_set():
                self._pass()
                self.stop.wait(max(interval, 0.01))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _pass(self) -> None:
        close_old_connections()
        try:
            self.stdout.write(str(run_handoff_pass()))
        except Exception:
            logger.exception("A hand-off pass failed; trying again after the pause")

    def _stop_on_signals(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def handler(signum: int, frame: FrameType | None) -> None:
            self.stop.set()

        return {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
