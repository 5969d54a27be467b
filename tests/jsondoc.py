"""Edit one field of a JSON document named by a slash path ("state/optimizer/state/0"): how the
bad session files of tests/core/test_session.py and tests/reliability/ are made."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

#: The value that deletes the field instead of setting it.
DELETE = object()


def setter(path: str, value: object) -> Callable[[Any], None]:
    """An edit that sets (or, with DELETE, deletes) ``path`` in the document it is given."""
    def edit(doc: Any) -> None:
        *parents, last = path.split("/")
        for key in parents:
            doc = doc[int(key) if isinstance(doc, list) else key]
        if value is DELETE:
            del doc[last]
        else:
            doc[int(last) if isinstance(doc, list) else last] = value
    return edit


def edited(doc: dict, path: str, value: object) -> dict:
    """A copy of ``doc`` with ``path`` set to ``value`` (or deleted)."""
    doc = copy.deepcopy(doc)
    setter(path, value)(doc)
    return doc
