"""pol: decide applicant records with a compiled pol policy (.pbc), through libpol and pol_json (doc/python.md).

    import pol
    program = pol.load("suzhou-2024.pbc")          # or the .pbc's bytes; pol.LoadError when it does not verify
    program.decide({"id": "A1", ...})              # the decision polvm writes, as a dict; pol.RecordError if refused
    for decision in program.decide_lines(open("records.jsonl", "rb")): ...
    program.explain(record)                        # {"decision": ..., "explain": [the rules tried]}
"""

from ._errors import Error, LoadError, RecordError
from ._program import Program, load

__version__ = "0.1.0"
__all__ = ["load", "Program", "Error", "LoadError", "RecordError", "library_version"]


def library_version():
    """The version of the libpol.so the package opened (pol_version)."""
    from ._native import native
    return native().version().decode()
