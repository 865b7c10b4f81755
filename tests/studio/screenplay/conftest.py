"""Fixtures for the script and scene tests."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from studio.live.events import project_group


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """``with published(project) as sent:`` → the live events that reached the project's group, in order."""

    @contextmanager
    def record(project):
        layer = get_channel_layer()
        group = project_group(project.pk)
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channel)
        sent: list[dict] = []
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield sent
            sent.extend(async_to_sync(_drain)(layer, channel))
        finally:
            async_to_sync(layer.group_discard)(group, channel)

    return record


async def _drain(layer, channel) -> list[dict]:
    events = []
    while True:
        try:
            message = await asyncio.wait_for(layer.receive(channel), timeout=0.05)
        except TimeoutError:
            return events
        events.append(message["event"])
