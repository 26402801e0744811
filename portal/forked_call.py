"""Calling a function in a forked child with a wall-clock and memory budget.

Parsing an uploaded file runs third-party parsers on input anyone may have crafted; a
decompression bomb or a pathological PDF must cost the web worker neither its memory nor
minutes of CPU. The child is a plain ``os.fork`` (no ``exec``: the parsers are already
imported), limited with ``setrlimit`` and killed when its time is up. It never touches the
database: it closes every inherited descriptor but its result pipe and leaves through
``os._exit``, so no atexit handler or connection cleanup of the parent runs in it.

POSIX only (``fork``, ``setrlimit``), as the portal's deployment is (gunicorn on Linux).
"""

import json
import logging
import math
import os
import resource
import selectors
import signal
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError

# The result is a short JSON document (extracted text is capped by the caller); anything
# larger means the child misbehaved.
MAX_RESULT_BYTES = 16 * 1024 * 1024


class ChildTimeout(Exception):
    """The child was still working when its time was up, and was killed."""


class ChildOutOfMemory(Exception):
    """The child ran out of its memory budget."""


class ChildFailed(Exception):
    """The child raised, crashed or returned nothing usable; the message says which."""


def call_forked(
    func: Callable, *args, seconds: float, memory_bytes: int, **kwargs
) -> str | int | float | bool | list | dict | None:
    """``func(*args, **kwargs)`` run in a forked child; its result must be JSON-serialisable.

    A ``ValidationError`` raised in the child is raised again here (first message and code).
    Raises ``ChildTimeout`` after ``seconds`` of wall-clock time, ``ChildOutOfMemory`` when
    the child could not map more than ``memory_bytes`` beyond what it inherited, and
    ``ChildFailed`` for any other failure, ``OSError`` when no child can be started. The
    child is always reaped before returning.
    """
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_fd)
        _run_child(write_fd, func, args, kwargs, seconds=seconds, memory_bytes=memory_bytes)
    os.close(write_fd)
    try:
        payload = _read_result(read_fd, deadline=time.monotonic() + seconds)
    finally:
        os.close(read_fd)
        _kill_and_reap(pid)
    return _unpack(payload)


def _run_child(write_fd, func, args, kwargs, *, seconds, memory_bytes):
    """Work in the child: limit it, call ``func``, write one JSON object, exit."""
    try:
        # Another thread's child pipe or the database socket must not stay open here: an
        # inherited write end would keep that other parent waiting for end-of-file.
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, os.sysconf("SC_OPEN_MAX"))
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
            signal.signal(signum, signal.SIG_DFL)  # not the web server's handlers
        logging.disable(logging.CRITICAL)  # parsers' warnings about hostile input are noise
        _limit_resources(seconds=seconds, memory_bytes=memory_bytes)
        try:
            outcome = {"value": func(*args, **kwargs)}
        except ValidationError as error:
            outcome = {"refused": error.messages[0], "code": error.code}
        except MemoryError:
            outcome = {"out_of_memory": True}
        except RecursionError:
            outcome = {"error": "RecursionError: nesting too deep"}
        except Exception as error:  # any parser failure on hostile input becomes a refusal
            outcome = {"error": f"{type(error).__name__}: {error}"[:300]}
        payload = json.dumps(outcome).encode()
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    except MemoryError:
        os._exit(3)  # the parent sees no result; it reports the file as unprocessable
    finally:
        os._exit(0)


def _limit_resources(*, seconds, memory_bytes):
    """Cap the child's address space and CPU time.

    The forked child starts with the worker's whole address space mapped (interpreter,
    Django, libraries), so the budget is what it may add on top of that. The CPU limit is a
    backstop should the parent die before it can kill the child.
    """
    try:
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc (not Linux): the budget counts from zero
        inherited = 0
    _set_soft_limit(resource.RLIMIT_AS, inherited + memory_bytes)
    _set_soft_limit(resource.RLIMIT_CPU, math.ceil(seconds) + 1)


def _set_soft_limit(which, value):
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(which, (value, hard))
    except (ValueError, OSError):  # a platform without this limit keeps the wall clock
        pass


def _read_result(read_fd, *, deadline) -> bytes:
    """Everything the child writes, read as it comes so a large result cannot fill the
    pipe and leave both sides waiting; ``ChildTimeout`` at ``deadline``."""
    chunks, size = [], 0
    with selectors.DefaultSelector() as selector:
        selector.register(read_fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChildTimeout
            if not selector.select(remaining):
                continue
            chunk = os.read(read_fd, 65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_RESULT_BYTES:
                raise ChildFailed("result too large")
            chunks.append(chunk)


def _kill_and_reap(pid):
    """Kill the child if it still runs (harmless if it already exited) and collect its exit
    status, so no zombie is left behind whatever happened in between."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # SIGCHLD ignored in this process: the kernel reaped it
        pass


def _unpack(payload: bytes):
    if not payload:
        raise ChildFailed("the child ended without a result")  # killed by a signal or limit
    try:
        outcome = json.loads(payload)
    except ValueError as error:
        raise ChildFailed("unreadable result") from error
    if "value" in outcome:
        return outcome["value"]
    if "refused" in outcome:
        raise ValidationError(outcome["refused"], code=outcome["code"])
    if "out_of_memory" in outcome:
        raise ChildOutOfMemory
    raise ChildFailed(outcome["error"])
