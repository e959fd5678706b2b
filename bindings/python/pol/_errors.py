"""_errors.py: the exceptions of the pol package: a program that does not load, a record that is refused."""

import re

# The error text names the field first ("ce[2].hours: expected a number"); texts about the line as a whole
# ("invalid JSON at byte 12: ...", "expected a JSON object") name none.
_FIELD_PREFIX = re.compile(r"^([^\s:]+): ")


class Error(Exception):
    """Base class of the package's errors."""


class LoadError(Error):
    """A .pbc that libpol could not read, load or verify: the message is the loader's reason (the words polvm
    prints), status the pol_status's C name: POL_ERR_IO, POL_ERR_FORMAT, POL_ERR_VERSION, POL_ERR_DIGEST,
    POL_ERR_VERIFY, POL_ERR_NOMEM."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


class RecordError(Error, ValueError):
    """A record the policy refused: the message is the error text of the contract's error object, field the
    field it names (list elements as "ce[2].hours"; None when the text is about the line as a whole: not JSON,
    not an object, empty, too long), line and id those of the error object, error the whole object as polvm
    writes it, status the pol_status's C name (POL_ERR_BIND, POL_ERR_FORMAT, POL_ERR_LIMIT, ...)."""

    def __init__(self, error, status="POL_ERR_BIND"):
        message = error.get("error", "")
        super().__init__(message)
        self.error = error
        self.message = message
        self.status = status
        self.line = error.get("line")
        self.id = error.get("id")
        match = _FIELD_PREFIX.match(message) if not message.startswith("invalid JSON") else None
        self.field = match.group(1) if match else None
