"""Websocket helpers: real communicators through the whole ASGI stack (origin check, session auth, routing)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from studio.asgi import application

ORIGIN = b"http://127.0.0.1:8000"


def cookie_for(user) -> str:
    """A real logged-in session for ``user``, as the browser's cookie header value."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@database_sync_to_async
def session_cookie(user) -> bytes:
    return cookie_for(user).encode()


async def open_socket(project_id: int, user=None, *, origin: bytes | None = ORIGIN, headers=()):
    """Connect to the project socket; returns (communicator, connected, close code)."""
    all_headers = list(headers)
    if origin is not None:
        all_headers.append((b"origin", origin))
    if user is not None:
        all_headers.append((b"cookie", await session_cookie(user)))
    communicator = WebsocketCommunicator(application, f"/ws/projects/{project_id}/", headers=all_headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def refused(project_id: int, user=None, **kwargs) -> int | None:
    """Connect and return the close code the socket answers with (its handshake is accepted, then closed)."""
    communicator, connected, code = await open_socket(project_id, user, **kwargs)
    assert (connected, code) == (True, None)
    code = await close_code(communicator)
    await communicator.disconnect()  # as a browser does once the server closed: the consumer ends
    return code


async def joined(project_id: int, user):
    """A connected member whose presence snapshot has been read (and own join event, if any)."""
    communicator, connected, code = await open_socket(project_id, user)
    assert connected, code
    snapshot = await communicator.receive_json_from(timeout=3)
    assert snapshot["type"] == "presence.snapshot"
    communicator.snapshot_seq = snapshot.pop("seq")  # the number of the project's last event
    assert isinstance(communicator.snapshot_seq, int), snapshot
    return communicator


async def drain(communicator, timeout=0.3) -> list[dict]:
    """Every message that arrives within ``timeout`` of the last one."""
    out = []
    while not await communicator.receive_nothing(timeout=timeout):
        out.append(await communicator.receive_json_from(timeout=timeout))
    return out


async def next_event(communicator, type_: str, timeout=3, *, numbered: bool = False) -> dict:
    """The next message of the given type, skipping presence chatter. Every project event carries its number
    (``seq``): checked here and taken off the message, or left on it with ``numbered``."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] in {"pong", "error"}:  # replies to this connection, not project events
            assert "seq" not in message, message
        else:
            assert isinstance(message["seq"], int), message
            if not numbered:
                del message["seq"]
        if message["type"] == type_:
            return message
        assert message["type"].startswith("presence."), message


async def close_code(communicator, timeout=3) -> int | None:
    """Read until the server closes the socket; return its close code (other messages are skipped). Then answer
    the close as a browser does, so the consumer ends inside the test (a consumer left waiting for that answer is
    cancelled with the test's event loop, and a Redis receive cancelled that way could hang the run)."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            code = output.get("code")
            await communicator.disconnect(code=code or 1000)
            return code


async def disconnect_all(communicators) -> None:
    """Close, as a browser leaving would, every socket a test opened and did not close itself."""
    for communicator in communicators:
        if not communicator.future.done():
            await communicator.disconnect()
