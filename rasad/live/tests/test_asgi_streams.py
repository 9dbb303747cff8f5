"""The live stream under the ASGI application a node serves (``rasad.asgi.application``), driven
the way granian drives it (scope, receive, send): open streams share a few threads instead of
holding one each, and every middleware still runs on them (sign-in, the security headers), each
stream carrying only what its user may see.

The test client's ``AsyncClient`` would not do: it calls the handler's ``get_response_async``
directly, past the ``ThreadSensitiveContext`` that cost each stream a thread."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client

from rasad.asgi import STREAM_THREADS, application
from rasad.core.models import User
from rasad.lib.push import hub
from rasad.live.audience import forget_audiences
from rasad.live.testing import event_item, in_a_loop_of_its_own, make_credential, make_device, send
from rasad.testing.cast import Cast

STREAMS_EACH = 12  # Alice's, Bob's and Charlie's: 36 open streams


@pytest.fixture(autouse=True)
def _fresh_audiences() -> Iterator[None]:
    forget_audiences()
    yield
    forget_audiences()


class Tab:
    """One GET of the application, as the server makes it: the response's messages as they come;
    a disconnect when the tab closes."""

    def __init__(self, path: str, cookie: str = "") -> None:
        headers = [(b"host", b"testserver"), (b"accept", b"text/event-stream")]
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("testserver", 80),
        }
        self.messages: list[dict[str, Any]] = []
        self._asked = False
        self._closed = asyncio.Event()
        self._news = asyncio.Event()
        self.task = asyncio.create_task(application(self.scope, self._receive, self._send))

    async def _receive(self) -> dict[str, Any]:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._closed.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Mapping[str, Any]) -> None:
        self.messages.append(dict(message))
        self._news.set()

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {name.decode().lower(): value.decode() for name, value in self.messages[0]["headers"]}

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")

    def texts(self) -> list[str]:
        """The texts of the live events this tab has read."""
        chunks = self.body.decode().split("\n\n")
        return [
            json.loads(chunk.split("data: ", 1)[1])["text"]
            for chunk in chunks
            if chunk.startswith("id:") and "event: live.event" in chunk
        ]

    async def until(self, condition: Callable[[Tab], bool], seconds: float = 30) -> None:
        async with asyncio.timeout(seconds):
            while not condition(self):
                self._news.clear()
                if self.task.done():
                    self.task.result()  # the handler failed: say how
                    raise AssertionError(f"the response ended: {self.messages}")
                await self._news.wait()

    async def close(self) -> None:
        self._closed.set()
        async with asyncio.timeout(30):
            await self.task


def _cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _opened(tab: Tab) -> bool:
    return b"retry: 3000" in tab.body


def _send_and_close(credential: Any, body: dict[str, Any]) -> None:
    from django.db import connection

    try:
        send(credential, body)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_open_streams_share_a_few_threads_and_carry_only_what_each_user_may_see(cast: Cast) -> None:
    isfahan, kerman = (
        make_device(cast, cast.isfahan_post, serial="ISF-A1"),
        make_device(cast, cast.kerman_post, serial="KER-A1"),
    )
    isfahan_credential = make_credential(cast, cast.isfahan_post)[0]
    kerman_credential = make_credential(cast, cast.kerman_post)[0]
    cookies = {user.username: _cookie(user) for user in (cast.alice, cast.bob, cast.charlie)}

    async def scenario() -> dict[str, Any]:
        seen: dict[str, Any] = {"clients before": hub().client_count}
        # Signed out: refused by the sign-in middleware, as any page is.
        anonymous = Tab("/live/stream/")
        await anonymous.until(lambda tab: any(m.get("more_body") is False for m in tab.messages))
        seen["anonymous"] = (anonymous.status, anonymous.headers.get("location", ""))

        # The first stream starts the hub's threads (its keepalive; its Redis subscription).
        first = Tab("/live/stream/", cookies["alice"])
        await first.until(_opened)
        before = threading.active_count()
        # One after the other: the session middleware writes each request's session, and the
        # tests' in-memory SQLite refuses two writers at once ("table is locked") where a server's
        # database would make one wait.
        tabs: dict[str, list[Tab]] = {name: [] for name in ("alice", "bob", "charlie")}
        for _ in range(STREAMS_EACH):
            for name, group in tabs.items():
                group.append(Tab("/live/stream/", cookies[name]))
                await group[-1].until(_opened)
        every = [tab for group in tabs.values() for tab in group]
        seen["threads added"] = threading.active_count() - before
        seen["statuses"] = {tab.status for tab in every}
        seen["headers"] = first.headers

        # Kerman, then Isfahan, then Kerman again: once Bob's tabs have the second, every tab has
        # been offered all three.
        for credential, device, sequence, text in (
            (kerman_credential, kerman, 1, "کرمان ۱"),
            (isfahan_credential, isfahan, 1, "اصفهان"),
            (kerman_credential, kerman, 2, "کرمان ۲"),
        ):
            await sync_to_async(_send_and_close, thread_sensitive=False)(
                credential, {"events": [event_item(device, sequence, text=text)]}
            )
        for tab in tabs["bob"]:
            await tab.until(lambda tab: len(tab.texts()) >= 2)
        for tab in [first, *tabs["alice"]]:
            await tab.until(lambda tab: len(tab.texts()) >= 1)
        await asyncio.sleep(0.5)
        seen["texts"] = {name: {tuple(tab.texts()) for tab in group} for name, group in tabs.items()}

        for tab in [first, *every]:
            await tab.close()
        seen["clients left"] = hub().client_count
        return seen

    # A loop of its own on a thread of its own (the browser tests' Playwright may hold one here).
    seen = in_a_loop_of_its_own(scenario)

    assert seen["anonymous"][0] == 302
    assert seen["anonymous"][1].startswith("/login")
    # 36 more open streams, and at most the shared threads more (Django's own handler: 36).
    assert seen["threads added"] < STREAM_THREADS
    assert seen["statuses"] == {200}
    headers = seen["headers"]
    assert headers["content-type"] == "text/event-stream"
    assert headers["cache-control"] == "no-store, no-transform"
    # The middleware ran: security headers, the content security policy, the frame refusal.
    assert "content-security-policy" in headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert seen["texts"] == {
        "alice": {("اصفهان",)},
        "bob": {("کرمان ۱", "کرمان ۲")},
        "charlie": {()},
    }
    assert seen["clients left"] == seen["clients before"]


def test_only_the_stream_is_served_on_the_shared_threads() -> None:
    def scope(path: str, root_path: str = "") -> dict[str, Any]:
        return {"type": "http", "path": path, "root_path": root_path}

    assert application.is_long_lived(scope("/live/stream/"))
    assert not application.is_long_lived(scope("/live/"))
    assert not application.is_long_lived(scope("/live/stream/x"))
    # Mounted under a prefix (the proxy's root_path): the path after it is what counts.
    assert application.is_long_lived(scope("/rasad/live/stream/", "/rasad"))
    assert not application.is_long_lived({"type": "lifespan"})


@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_grant_stops_the_open_streams_at_their_next_check(cast: Cast, settings: Any) -> None:
    """Vida's streams stay open after her grant is withdrawn; once her scope is due again (one
    second here), the next event wakes them, one of them computes it on a thread and hands it to
    the others: nothing after that reaches her, while Alice's tab goes on."""
    from rasad.core.actions.people import do_create_user, do_grant_role, do_revoke_grant
    from rasad.core.models import Role

    settings.RASAD_LIVE_SCOPE_SECONDS = 1
    device = make_device(cast, cast.isfahan_post, serial="ISF-A2")
    credential = make_credential(cast, cast.isfahan_post)[0]
    vida = do_create_user("vida", acting_user=None, password=None, organization=cast.isfahan)
    grant = do_grant_role(vida, Role.objects.get(slug="viewer"), acting_user=None, organization=cast.isfahan)
    cookies = {"vida": _cookie(vida), "alice": _cookie(cast.alice)}
    sequence = iter(range(1, 100))

    async def push(text: str) -> None:
        await sync_to_async(_send_and_close, thread_sensitive=False)(
            credential, {"events": [event_item(device, next(sequence), text=text)]}
        )

    async def scenario() -> dict[str, Any]:
        vida_tabs = []
        for _ in range(6):
            vida_tabs.append(Tab("/live/stream/", cookies["vida"]))
            await vida_tabs[-1].until(_opened)
        alice = Tab("/live/stream/", cookies["alice"])
        await alice.until(_opened)
        await push("پیش از پس گرفتن")
        for tab in [alice, *vida_tabs]:
            await tab.until(lambda tab: len(tab.texts()) == 1)
        await sync_to_async(do_revoke_grant, thread_sensitive=False)(grant, acting_user=None)
        await asyncio.sleep(1.2)
        # The event that wakes the streams was filtered with the scope they had; after it, they
        # check again.
        await push("بیدار کننده")
        await alice.until(lambda tab: len(tab.texts()) == 2)
        await asyncio.sleep(0.5)
        await push("پس از بررسی")
        await alice.until(lambda tab: len(tab.texts()) == 3)
        await asyncio.sleep(0.5)
        seen = {"alice": alice.texts(), "vida": {tuple(tab.texts()) for tab in vida_tabs}}
        for tab in [alice, *vida_tabs]:
            await tab.close()
        return seen

    seen = in_a_loop_of_its_own(scenario)
    assert seen["alice"] == ["پیش از پس گرفتن", "بیدار کننده", "پس از بررسی"]
    # The waking event went out with the scope her streams had, unless something else woke them
    # after the withdrawal and they checked then (the hub's keepalive every 15 s, a re-read after
    # the hub's Redis subscription came back): either way, nothing after the check.
    assert seen["vida"] in ({("پیش از پس گرفتن", "بیدار کننده")}, {("پیش از پس گرفتن",)})
