"""The version of every JSON output, in one place, and the one function that writes JSON.

``schema_version`` is an integer that grows by one whenever a JSON output of any command changes
incompatibly (a field renamed, removed or given another meaning); added fields keep it. CHANGELOG.md
records every change.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 1


def json_text(payload: dict[str, Any], **options: Any) -> str:
    """``payload`` as indented JSON with ``"schema_version"`` first (``options`` go to :func:`json.dumps`).

    >>> print(json_text({"case": "single"}))
    {
      "schema_version": 1,
      "case": "single"
    }
    """
    return json.dumps({"schema_version": SCHEMA_VERSION, **payload}, indent=2, **options)
