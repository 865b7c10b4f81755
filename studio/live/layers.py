"""The channel layer's failures, and the Redis layer the studio runs on.

``LAYER_ERRORS`` are what a layer raises when its broker is unreachable: the project socket answers them with
a clean close (``1013``, try again later) instead of a 500 or a 1011, and the browser reconnects and reads the
project again. ``RedisChannelLayer`` is channels-redis' layer with a bounded pool that waits for a free
connection instead of failing (200 sockets closing at once used to hit ``MaxConnectionsError``), and whose
commands reconnect and try again (twice) when they find their connection broken (Redis restarted) instead of
failing the first one after Redis is back.
"""

from __future__ import annotations

import logging

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

LAYER_ERRORS = (OSError, TimeoutError, RedisConnectionError, RedisTimeoutError)
LAYER_DOWN = 1013  # the websocket close code for "try again later"

log = logging.getLogger(__name__)


class ClosesWhenLayerIsDown:
    """For a consumer (first in its bases): when the layer fails, on connecting or while connected, the socket
    runs its ``disconnect`` and is closed with 1013 instead of a 500 (handshake) or a 1011 (open socket)."""

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS:
            log.warning("closing a %s: the channel layer is unreachable", type(self).__name__, exc_info=True)
            await self.disconnect(LAYER_DOWN)
            await self.close(code=LAYER_DOWN)


async def group_leave(layer, group: str, channel_name: str) -> None:
    """Leave a group; with the layer down, leave it be (the layer forgets the channel when its group expires)."""
    try:
        await layer.group_discard(group, channel_name)
    except LAYER_ERRORS:
        log.warning("could not leave %s: the channel layer is unreachable", group)


def _retry() -> Retry:
    return Retry(ExponentialBackoff(cap=1, base=0.05), 2)


class RedisChannelLayer(BaseRedisChannelLayer):
    """Each host is ``{"address": url, "max_connections": n, "timeout": s}``: at most n connections per event
    loop, a command waits up to s seconds for one.

    A connection's read timeout is longer than the blocking pop the layer receives with: redis-py's default (5 s)
    equals channels-redis' pop (5 s), so an idle socket's receive could time out and take the socket down.
    """

    def create_pool(self, index):
        host = dict(self.hosts[index])
        host.setdefault("socket_timeout", self.brpop_timeout + 10)
        return BlockingConnectionPool.from_url(host.pop("address"), retry=_retry(),
                                               retry_on_error=[RedisConnectionError], **host)
