"""``manage.py supervise_cases [--loop [SECONDS]]``: the supervision worker (自动督办), once or forever.

Once suits cron or a systemd timer; ``--loop`` suits a long-running service and ``make run``
(``scripts/run-dev.sh`` starts it next to ``task_worker``). ``--loop`` without a number pauses
``CASES_SUPERVISION_INTERVAL`` seconds between passes. A failed pass is logged and the loop
goes on; Ctrl-C or SIGTERM ends it.
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

from cases.supervision import run_supervision

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Warn, mark overdue and climb the supervision ladder for running cases (once, or every N seconds)."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop = threading.Event()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=float, nargs="?", metavar="SECONDS", default=False, const=None,
            help="Run forever, pausing this many seconds between passes (default: CASES_SUPERVISION_INTERVAL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["loop"]
        if interval is False:
            self.stdout.write(str(run_supervision()))
            return
        if interval is None:
            interval = float(settings.CASES_SUPERVISION_INTERVAL)
        previous = self._stop_on_signals()
        self.stdout.write(f"Supervising cases every {interval:g} s; Ctrl-C stops.")
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
            report = run_supervision()
        except Exception:
            logger.exception("A supervision pass failed; trying again after the pause")
            return
        if report.claimed:
            self.stdout.write(str(report))

    def _stop_on_signals(self) -> dict[int, Any]:
        """Let SIGINT and SIGTERM end the loop after the current pass; the handlers replaced."""
        if threading.current_thread() is not threading.main_thread():
            return {}

        def handler(signum: int, frame: FrameType | None) -> None:
            self.stop.set()

        return {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
