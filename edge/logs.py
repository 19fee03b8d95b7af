"""The proxy's log: JSON lines on standard error, one per request and one per event worth
knowing (a Stripe failure, Redis away), each with the request's id where there is one.

Lines go through `logging`, so a host's own handlers (and pytest's) see every one. The request
line, written for every request, takes a short way when the proxy's own handler is the only one
listening, as under `invoice-portal serve`: the same text, straight to that handler's stream,
without a `LogRecord` and the walk through loggers and handlers, which cost more than the rest
of a cached answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from contextvars import ContextVar
from json.encoder import encode_basestring_ascii
from typing import Any

log = logging.getLogger("invoice_portal")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# The fields of nearly every request line, in the order the middleware gives them: four
# strings, then two numbers.
REQUEST_LINE = ("event", "request_id", "method", "path", "status", "duration_ms")


class JsonMessage:
    """A log message made of fields: its text is their JSON, and `JsonLines` writes the fields
    as they are instead of parsing that text back."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __str__(self) -> str:
        return json.dumps(self.fields)


class JsonLines(logging.Formatter):
    """One JSON object per line, also for the server's own plain-text messages."""

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.msg, JsonMessage) and not record.args:
            fields: object = record.msg.fields
        else:
            message = record.getMessage()
            try:
                fields = json.loads(message) if message.startswith("{") else None
            except ValueError:
                fields = None
        line = {"time": round(record.created, 3), "level": record.levelname.lower()}
        line |= fields if isinstance(fields, dict) else {"event": "server", "message": message}
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line)


class Lines(logging.StreamHandler):  # type: ignore[type-arg]
    """The proxy's own handler: JSON lines on standard error."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(JsonLines())
        # Request lines wait for the end of the event loop's turn, then go out in one write:
        # under load one system call carries the lines of every request the turn finished.
        self.pending: list[str] = []

    def write_request(self, fields: dict[str, Any]) -> None:
        """What `emit` writes for an INFO record of these fields (str, int or float values)."""
        line = f'{{"time": {round(time.time(), 3)!r}, "level": "info"'
        if tuple(fields) == REQUEST_LINE:
            # Written at every request: without asking each value's type, as the loop would.
            event, request_id, method, path, status, duration = fields.values()
            line += (
                f', "event": {encode_basestring_ascii(event)}'
                f', "request_id": {encode_basestring_ascii(request_id)}'
                f', "method": {encode_basestring_ascii(method)}'
                f', "path": {encode_basestring_ascii(path)}'
                f', "status": {status!r}, "duration_ms": {duration!r}'
            )
        else:
            for name, value in fields.items():
                kind = type(value)
                if kind is str:
                    line += f', "{name}": {encode_basestring_ascii(value)}'
                elif kind is int or kind is float:
                    line += f', "{name}": {value!r}'
                else:
                    line += f', "{name}": {json.dumps(value)}'
        self.pending.append(line + "}\n")
        if len(self.pending) == 1:
            try:
                asyncio.get_running_loop().call_soon(self.write_pending)
            except RuntimeError:  # no loop: nothing to wait for
                self.write_pending()

    def write_pending(self) -> None:
        lines, self.pending = self.pending, []
        with self.lock:  # type: ignore[union-attr]
            self.stream.write("".join(lines))
            self.flush()


def configure_logging() -> None:
    """JSON lines on standard error, unless the host already set logging up."""
    root = logging.getLogger()
    if root.handlers:
        return
    root.addHandler(Lines())
    root.setLevel(logging.INFO)


def log_fields(level: int, fields: dict[str, Any]) -> None:
    if log.isEnabledFor(level):
        # Built directly: logging's search of the stack for the caller costs more than the
        # rest of the line, and no line ever shows the caller's file.
        record = log.makeRecord(log.name, level, __name__, 0, JsonMessage(fields), (), None)
        log.handle(record)


def log_request(fields: dict[str, Any]) -> None:
    """The request's line (INFO): the short way when only the proxy's handler listens."""
    root = logging.root
    handlers = root.handlers
    if (
        len(handlers) == 1
        and type(handlers[0]) is Lines
        and not log.handlers
        and not log.filters
        and not handlers[0].filters
        and log.propagate
        and not log.disabled
    ):
        if log.isEnabledFor(logging.INFO) and handlers[0].level <= logging.INFO:
            handlers[0].write_request(fields)
        return
    log_fields(logging.INFO, fields)
