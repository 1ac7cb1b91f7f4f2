"""Values quoted back in error messages: a short prefix and the length, never the whole value.

A hostile or broken input (a 5 MB name prefix, a list of 50,000 tags) must give a one-line error, not an error
the size of the input. Used by the offline tools and by the components' settings checks alike.
"""

from typing import Any

PREFIX = 60  # characters of a value's repr shown in a message


def echo(value: Any, limit: int = PREFIX) -> str:
    """repr(value), cut to `limit` characters with the full length when longer (no full repr is ever built for
    a long string or a big container)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} characters)"
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 8:
        kind = type(value).__name__
        return f"a {kind} of {len(value)} items"
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # deeply nested, or an int too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def got(value: Any) -> str:
    """`got <type> <value>` for messages such as "must be a string, got int 5"."""
    return f"got {type(value).__name__} {echo(value)}" if value is not None else "got nothing"
