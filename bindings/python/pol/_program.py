"""_program.py: a loaded policy (pol.load, Program) and the per-thread state that decides records with it."""

import ctypes
import datetime
import json
import os
import threading
import weakref

from . import _native
from ._errors import LoadError, RecordError


class _ProgramHandle:
    """Owns the pol_program; freed when the last Program and the last thread state holding it are gone."""

    def __init__(self, lib, pointer):
        self.pointer = pointer
        self._finalizer = weakref.finalize(self, lib.program_free, pointer)
        self._finalizer.atexit = False  # at exit the process ends anyway; threads may still be deciding


class _ThreadState:
    """One thread's pol_context, pol_json_reader and output buffers (libpol: the program is shared, a context
    and a reader serve one thread)."""

    def __init__(self, lib, handle):
        self.lib = lib
        ctx, reader = ctypes.c_void_p(), ctypes.c_void_p()
        status = lib.context_new(handle.pointer, ctypes.byref(ctx))
        if status != _native.POL_OK:
            raise MemoryError("pol: cannot make a context: %s" % lib.status_name(status).decode())
        status = lib.reader_new(handle.pointer, None, ctypes.byref(reader))
        if status != _native.POL_OK:
            lib.context_free(ctx)
            raise MemoryError("pol: cannot make a JSON reader: %s" % lib.status_name(status).decode())
        self.ctx, self.reader = ctx, reader
        self.out, self.trace = _native.JsonBuffer(), _native.JsonBuffer()
        lib.buffer_init(ctypes.byref(self.out), None)
        lib.buffer_init(ctypes.byref(self.trace), None)
        self.out_ref, self.trace_ref = ctypes.byref(self.out), ctypes.byref(self.trace)
        # the finalizer holds the handle, so the program outlives every context and reader made from it
        f = weakref.finalize(self, _free_thread_state, lib, ctx, reader, self.out, self.trace, handle)
        f.atexit = False


def _free_thread_state(lib, ctx, reader, out, trace, handle):
    lib.reader_free(reader)
    lib.context_free(ctx)
    lib.buffer_free(ctypes.byref(out))
    lib.buffer_free(ctypes.byref(trace))
    del handle


def _json_default(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError("pol: a record value of type %s is not JSON (dates may be datetime.date)" % type(value).__name__)


# made once: json.dumps with options builds a new encoder on every call, a fifth of the time of encoding a record
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _record_bytes(record):
    """A record as the one JSON line the layer reads: a dict (or any JSON-able mapping) or JSON text."""
    if isinstance(record, bytes):
        return record
    if isinstance(record, str):
        return record.encode("utf-8")
    if isinstance(record, (bytearray, memoryview)):
        return bytes(record)
    return _RECORD_ENCODER.encode(record).encode("utf-8")


def _line_bytes(line):
    """One line of a JSON Lines stream without its end of line (the layer drops a '\\r' itself), or a record
    given as a dict (any JSON-able value that is not text)."""
    if isinstance(line, str):
        line = line.encode("utf-8")
    elif not isinstance(line, bytes):
        line = bytes(line) if isinstance(line, (bytearray, memoryview)) else _record_bytes(line)
    return line[:-1] if line.endswith(b"\n") else line


class Program:
    """A policy loaded and verified by libpol. Any number of threads may decide with one Program at once: each
    thread gets its own context and reader on first use."""

    def __init__(self, lib, pointer):
        self._lib = lib
        self._handle = _ProgramHandle(lib, pointer)
        self._local = threading.local()
        self._info = self._write(lib.write_program_info)

    def _write(self, writer):
        buffer = _native.JsonBuffer()
        self._lib.buffer_init(ctypes.byref(buffer), None)
        try:
            status = writer(self._handle.pointer, ctypes.byref(buffer))
            if status != _native.POL_OK or buffer.failed:
                raise MemoryError("pol: %s" % self._lib.status_name(status).decode())
            return json.loads(_native.buffer_bytes(buffer))
        finally:
            self._lib.buffer_free(ctypes.byref(buffer))

    def _state(self):
        state = getattr(self._local, "state", None)
        if state is None:
            state = self._local.state = _ThreadState(self._lib, self._handle)
        return state

    # ---- the program's facts ----
    @property
    def name(self):
        return self._info["name"]

    @property
    def version(self):
        return self._info["version"]

    @property
    def digest(self):
        """The hex SHA-256 the .pbc carries for its contents: the program's identity."""
        return self._info["digest"]

    def info(self):
        """name, version, digest, source_sha256, compiler_version, format_version (pol_json_write_program_info)."""
        return dict(self._info)

    def schema(self):
        """The record schema, {"fields": [...]} in declaration order (pol_json_write_schema)."""
        return self._write(self._lib.write_schema)

    def __repr__(self):
        return "<pol.Program %s %s %s>" % (self.name, self.version, self.digest[:12])

    # ---- deciding ----
    def _decide_raw(self, state, line, line_no):
        """The output line (without its '\\n') pol_json_decide_line writes for line, and its status."""
        out = state.out
        out.length = 0
        status = self._lib.decide_line(state.reader, state.ctx, line, len(line), line_no, state.out_ref)
        if out.failed:
            raise MemoryError("pol: the output buffer could not grow")
        return status, ctypes.string_at(out.data, out.length - 1)

    def decide(self, record):
        """The decision for one record (a dict, or JSON text), exactly polvm's, parsed. A record the policy
        refuses raises RecordError with the contract's error text, naming the field."""
        status, text = self._decide_raw(self._state(), _record_bytes(record), 1)
        result = json.loads(text)
        if status != _native.POL_OK:
            raise RecordError(result, _native.status_name(status))
        return result

    def decide_lines(self, lines):
        """One dict per line of a JSON Lines stream (str or bytes lines, as a file yields them, or records as
        dicts), lazily and in order, as polvm writes them: a decision, or the error object {"line", "id",
        "error"} of a line it cannot decide (lines counted from 1); nothing is raised for a bad line."""
        for line_no, line in enumerate(lines, 1):
            # the state of the thread that resumes the generator, which need not be the one that began it
            yield json.loads(self._decide_raw(self._state(), _line_bytes(line), line_no)[1])

    def explain(self, record):
        """{"decision": the decision, "explain": the rules tried, in order (doc/explain.md)}; a refused record
        raises RecordError."""
        state = self._state()
        line = _record_bytes(record)
        state.out.length = 0
        state.trace.length = 0
        status = self._lib.explain_line(state.reader, state.ctx, line, len(line), 1, state.out_ref, state.trace_ref)
        if state.out.failed or state.trace.failed:
            raise MemoryError("pol: the output buffer could not grow")
        decision = json.loads(_native.buffer_bytes(state.out))
        if status != _native.POL_OK:
            raise RecordError(decision, _native.status_name(status))
        return {"decision": decision, "explain": json.loads(_native.buffer_bytes(state.trace))}


def load(policy):
    """Load and verify a compiled policy: a path to a .pbc file, or its bytes. LoadError with the loader's
    reason when it is not a valid .pbc (or the file cannot be read)."""
    lib = _native.native()
    pointer = ctypes.c_void_p()
    err = ctypes.create_string_buffer(_native.LOAD_ERROR_BYTES)
    if isinstance(policy, (bytes, bytearray, memoryview)):
        data = bytes(policy)
        status = lib.program_load(data, len(data), None, ctypes.byref(pointer), err, len(err))
    elif isinstance(policy, (str, os.PathLike)):
        status = lib.program_load_file(os.fsencode(policy), None, ctypes.byref(pointer), err, len(err))
    else:
        raise TypeError("pol.load takes a path or the .pbc's bytes, not %s" % type(policy).__name__)
    if status != _native.POL_OK or not pointer.value:
        raise LoadError(err.value.decode("utf-8", "replace") or lib.status_name(status).decode(),
                        _native.status_name(status))
    return Program(lib, pointer)
