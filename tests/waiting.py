"""Waiting on a condition instead of sleeping: poll it until it holds, or fail with what was awaited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], *, timeout: float, what: str, every: float = 0.05) -> T:
    """``condition()`` until it returns something truthy (returned), for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


async def async_wait_for(condition: Callable[[], T | Awaitable[T]], *, timeout: float, what: str,
                         every: float = 0.02) -> T:
    """The same from async code; ``condition`` may be a coroutine function (e.g. an ORM read through ``run``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(every)
