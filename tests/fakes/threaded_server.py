"""The lifecycle the fake servers share: real HTTP on 127.0.0.1, a free port, served from a background thread so
any asyncio loop (or none) can talk to it."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Any


class ThreadedFakeServer:
    name = "FakeServer"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _make_handler(self) -> type:
        raise NotImplementedError

    def _before_shutdown(self) -> None:
        """Wake anything a handler is waiting on, so shutdown never hangs."""

    def _after_shutdown(self) -> None:
        """Drop whatever connections are still open."""

    def start(self) -> Any:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self._host, self._port), self._make_handler())
        server.daemon_threads = True
        server.block_on_close = False  # never wait for handler threads (e.g. in a delay) on stop()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = None
        self._thread = None
        if server is None:
            return
        self._before_shutdown()
        server.shutdown()
        server.server_close()
        self._after_shutdown()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no path)."""
        return f"http://{self._host}:{self.port}"
