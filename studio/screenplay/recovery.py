"""Bringing scripts up to date as a web process starts: the settle of edits a dead process stored but never
settled (``services.scripts_settle_pending``), on a thread of its own so the server starts at once."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


def start() -> threading.Thread:
    thread = threading.Thread(target=_run, name="settle pending scripts", daemon=True)
    thread.start()
    return thread


def _run() -> None:
    from django.db import connection

    from . import services

    try:
        settled = services.scripts_settle_pending()
        if settled:
            log.info("settled %s script(s) whose edits had not been settled: %s", len(settled), settled)
    except Exception:
        log.exception("settling pending scripts failed")
    finally:
        connection.close()
