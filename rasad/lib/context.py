"""Per-request context (request id, client address) that audit rows pick up without threading
the request through every action."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None


_current: ContextVar[RequestContext | None] = ContextVar("rasad_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


@contextlib.contextmanager
def bound(request_id: str | None = None, ip: str | None = None) -> Iterator[RequestContext]:
    context = RequestContext(request_id=request_id or uuid.uuid4().hex, ip=ip)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
