"""Calendar days as the centre counts them.

Timestamps are stored in UTC (`store.utcnow`), so that devices and the server order events
alike; but "registered on 30 November" is a local day: in Morocco (UTC+1) a registration at
00:30 belongs to the day that has just begun, not to the UTC day before. The laptop's own
time zone is the centre's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def local_day(timestamp: str) -> str:
    """The local calendar day (YYYY-MM-DD) of a stored timestamp. A bare date, or a time
    without a zone (older rows, hand-made files), is taken as already local."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return str(timestamp)[:10]
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.astimezone().date().isoformat()


def local_day_start(day: date) -> str:
    """The UTC timestamp, in the stored format, at which the local `day` begins: the bound
    of a date filter over stored timestamps."""
    start = datetime.combine(day, time.min).astimezone()  # naive = the laptop's local time
    return start.astimezone(UTC).isoformat(timespec="milliseconds")
