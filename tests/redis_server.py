"""Debian's redis-server for a test: on a free port of 127.0.0.1, keeping nothing on disk.

with RedisServer(tmp_path) as redis_server:
    settings = settings_for(sandbox.url, redis_url=redis_server.url)
    redis_server.stop()    # Redis goes away: the port now refuses connections
    redis_server.start()   # and comes back, empty, on the same port
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import redis

EXECUTABLE = "/usr/bin/redis-server"
HOST = "127.0.0.1"


class RedisServer:
    def __init__(self, directory: Path, executable: str = EXECUTABLE) -> None:
        self.directory = directory
        self.executable = executable
        self.log_path = directory / "redis.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start it and wait until it answers PING: on a free port the first time, on the
        same port after `stop()`."""
        if self.process is not None:
            return self
        if self.port:
            self._run(timeout)
            return self
        # Another process may take the free port between the probe and Redis binding it.
        for attempt in range(3):
            self.port = _free_port()
            try:
                self._run(timeout)
                return self
            except RuntimeError:
                if attempt == 2:
                    raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop it; its port refuses connections once this returns."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def ping(self) -> bool:
        """True when this server, not another process on its port, answers."""
        if self.process is None:
            return False
        client = redis.Redis(host=HOST, port=self.port, socket_timeout=1.0)
        try:
            return bool(client.ping()) and client.info("server")["process_id"] == self.process.pid
        except redis.RedisError:
            return False
        finally:
            client.close()

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_path.is_file():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, timeout: float) -> None:
        argv = [
            self.executable,
            "--port", str(self.port),
            "--bind", HOST,
            "--dir", str(self.directory),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", str(self.log_path),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 (Debian's redis-server, our arguments)
            argv,
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"redis-server did not answer PING on port {self.port}:\n{self.log_tail()}"
                )
            time.sleep(0.01)


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
