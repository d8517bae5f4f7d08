"""What validating a submission gives: the clean answers and the issues (errors and
warnings), each a field and a translatable message code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from jisr_desktop.models.programme.form import Form
from jisr_desktop.models.programme.messages import Message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    field: str
    message: Message
    severity: Severity

    @property
    def code(self) -> str:
        return self.message.code


@dataclass(frozen=True)
class ValidationResult:
    # Answers hold names and CINs: kept out of repr so that a logged result leaks nothing.
    answers: dict[str, Any] = field(repr=False)
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    # The fields shown for these answers: the form on screen needs them on every keystroke,
    # and validation has just worked them out (relevant_fields() would do it again).
    relevant: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(
        self, form: Form, lang: str, *, severity: Severity | None = None
    ) -> dict[str, list[str]]:
        """Rendered messages per field (errors first), for showing beside each field."""
        out: dict[str, list[str]] = {}
        for issue in self._issues(severity):
            out.setdefault(issue.field, []).append(issue.message.render(form.messages, lang))
        return out

    def codes(self, severity: Severity | None = None) -> dict[str, list[str]]:
        """Message codes per field: what a test or a log may show without any personal data."""
        out: dict[str, list[str]] = {}
        for issue in self._issues(severity):
            out.setdefault(issue.field, []).append(issue.code)
        return out

    def _issues(self, severity: Severity | None) -> tuple[Issue, ...]:
        if severity == "error":
            return self.errors
        if severity == "warning":
            return self.warnings
        return self.errors + self.warnings
