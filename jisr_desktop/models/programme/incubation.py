"""Incubation's rules (programme document, lines 423-428): for projects funded by the
programme and chosen by the selection committee, an incubation contract with commercial
domiciliation at the incubator for 12 months. The warning before the end is ours: 30 days
ahead by default, so the incubator has time to plan her post-incubation follow-up."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

DOMICILIATION_MONTHS = 12  # the document's 12 months
WARN_DAYS = 30  # our proposal
FUNDING_SOURCES = ("programme", "indh", "other")

ENDING_SOON = "ending_soon"
ENDED = "ended"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def contract_end(start: date, months: int = DOMICILIATION_MONTHS) -> date:
    return add_months(start, months)


def warning(end: date, today: date, days: int = WARN_DAYS) -> str | None:
    """ENDED on or after the end day, ENDING_SOON within `days` of it, else None."""
    if today >= end:
        return ENDED
    if (end - today).days <= days:
        return ENDING_SOON
    return None
