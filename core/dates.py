"""Dates as every stage stores them: timezone-aware, in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


def parse_date(value: str | date | datetime | None) -> datetime | None:
    """A timezone-aware UTC datetime from what trafilatura, feeds or headers give, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
