"""_native.py: find and open libpol.so.0 and libpol_json.so.0, and declare the C functions the package calls."""

import ctypes
import ctypes.util
import os
import threading

# The libraries' major version (their soname), the one this package is written against.
SONAME_MAJOR = "0"

# pol_status (runtime/include/pol.h), in the enum's order: the errors carry these names as their status
STATUS_NAMES = ("POL_OK", "POL_ERR_NOMEM", "POL_ERR_IO", "POL_ERR_FORMAT", "POL_ERR_VERSION", "POL_ERR_DIGEST",
                "POL_ERR_VERIFY", "POL_ERR_BIND", "POL_ERR_LIMIT", "POL_ERR_RUNTIME", "POL_ERR_ARGUMENT")
POL_OK = 0


def status_name(status):
    """The pol_status's C name ("POL_ERR_DIGEST"), stable across releases, unlike pol_status_name's words."""
    return STATUS_NAMES[status] if 0 <= status < len(STATUS_NAMES) else "POL_STATUS_%d" % status

LOAD_ERROR_BYTES = 512


class JsonBuffer(ctypes.Structure):
    """pol_json_buffer: the growing byte buffer the JSON layer appends its output to."""

    _fields_ = [
        ("data", ctypes.c_void_p),
        ("length", ctypes.c_size_t),
        ("capacity", ctypes.c_size_t),
        ("failed", ctypes.c_int),
        ("alloc", ctypes.c_void_p),
        ("alloc_ud", ctypes.c_void_p),
    ]


class NotFound(OSError):
    """The shared libraries could not be found or opened."""


def _library_candidates(stem):
    """Where to open lib<stem>.so.0 from: POL_LIBRARY_PATH (a folder) when set, else where the system's loader
    finds an installed library (find_library: ld.so.cache, LD_LIBRARY_PATH), else the bare soname."""
    soname = "lib%s.so.%s" % (stem, SONAME_MAJOR)
    folder = os.environ.get("POL_LIBRARY_PATH")
    if folder:
        return [os.path.join(folder, soname)]
    found = ctypes.util.find_library(stem)
    return [found, soname] if found and found != soname else [soname]


def _open(stem):
    reasons = []
    for candidate in _library_candidates(stem):
        try:
            return ctypes.CDLL(candidate)
        except OSError as e:
            reasons.append(str(e))
    raise NotFound("pol: cannot open lib%s.so.%s (install pol with `make install`, or set POL_LIBRARY_PATH to "
                   "the folder that holds it): %s" % (stem, SONAME_MAJOR, "; ".join(reasons)))


def _declare(lib, name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


class Native:
    """The two libraries, opened once per process, with the prototypes of the functions used."""

    def __init__(self):
        # libpol first: libpol_json.so.0 needs libpol.so.0, which the loader then finds already open by its soname
        self.pol = _open("pol")
        self.json = _open("pol_json")
        vp, sz, ip, cp = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p
        pp = ctypes.POINTER(ctypes.c_void_p)
        bp = ctypes.POINTER(JsonBuffer)
        p = self.pol
        self.version = _declare(p, "pol_version", cp)
        self.status_name = _declare(p, "pol_status_name", cp, ip)
        self.program_load = _declare(p, "pol_program_load", ip, cp, sz, vp, pp, cp, sz)
        self.program_load_file = _declare(p, "pol_program_load_file", ip, cp, vp, pp, cp, sz)
        self.program_free = _declare(p, "pol_program_free", None, vp)
        self.program_name = _declare(p, "pol_program_name", cp, vp)
        self.program_policy_version = _declare(p, "pol_program_policy_version", cp, vp)
        self.context_new = _declare(p, "pol_context_new", ip, vp, pp)
        self.context_free = _declare(p, "pol_context_free", None, vp)
        j = self.json
        self.buffer_init = _declare(j, "pol_json_buffer_init", None, bp, vp)
        self.buffer_free = _declare(j, "pol_json_buffer_free", None, bp)
        self.reader_new = _declare(j, "pol_json_reader_new", ip, vp, vp, pp)
        self.reader_free = _declare(j, "pol_json_reader_free", None, vp)
        self.decide_line = _declare(j, "pol_json_decide_line", ip, vp, vp, cp, sz, sz, bp)
        self.explain_line = _declare(j, "pol_json_explain_line", ip, vp, vp, cp, sz, sz, bp, bp)
        self.write_program_info = _declare(j, "pol_json_write_program_info", ip, vp, bp)
        self.write_schema = _declare(j, "pol_json_write_schema", ip, vp, bp)


_native = None
_native_lock = threading.Lock()


def native():
    """The libraries, opened on first use (so that `import pol` works before POL_LIBRARY_PATH is set)."""
    global _native
    if _native is None:
        with _native_lock:
            if _native is None:
                _native = Native()
    return _native


def buffer_bytes(buffer):
    """The bytes a JsonBuffer holds (a copy)."""
    return ctypes.string_at(buffer.data, buffer.length) if buffer.length else b""
