"""The registration page's display of a `FormState`: which fields and sections show,
their marks and messages, the calculated values, the progress bar.

A mixin of `RegistrationPage`: the model decides, this only applies, and touches a Qt
setter only when the value changes (it runs on every keystroke).
"""

from __future__ import annotations

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _
from jisr_desktop.ui.age_notice import AGE_FIELD, age_notice
from jisr_desktop.ui.form_model import FormState, render
from jisr_desktop.ui.form_widgets import CalculatedWidget


class FormDisplay:
    """Applies a `FormState` to `RegistrationPage`'s widgets; see the module docstring."""

    def _apply(self, state: FormState) -> None:
        """Show a state: visibility, marks, messages, calculated values, progress."""
        lang = self.ctx.lang
        for name, widget in self.widgets.items():
            visible = name in state.relevant
            if widget.isHidden() == visible:  # setVisible only on change: it re-lays out
                widget.setVisible(visible)
            widget.set_required(name in state.required)
            msg = state.messages.get(name)
            if msg is None:
                widget.set_message(None)
            else:
                widget.set_message(render(msg.text, self.form, lang), msg.severity)
            if isinstance(widget, CalculatedWidget):
                self._show_calculated(name, widget, state, msg is None)
        for name, box in self.section_boxes.items():
            visible = name in state.visible_sections
            if box.isHidden() == visible:
                box.setVisible(visible)
        # Only on change: this runs on every keystroke, and each Qt setter call counts
        # (see the shiboken note in the tests).
        if self.progress.maximum() != max(state.total_required, 1):
            self.progress.setMaximum(max(state.total_required, 1))
        if self.progress.value() != state.answered:
            self.progress.setValue(state.answered)
        text = _("Required answers: {answered} of {total}").format(
            answered=state.answered, total=state.total_required
        )
        if self.progress_label.text() != text:
            self.progress_label.setText(text)

    def _show_calculated(self, name: str, widget: CalculatedWidget, state: FormState,
                         free: bool) -> None:
        # The model's value is the domain's (models/programme/calculations.py): None
        # while what it is computed from is wrong.
        value = state.calculated.get(name)
        widget.show_value(value)
        if name == AGE_FIELD and free:
            lang = self.ctx.lang
            notice = age_notice(value, self.age_rules, lang, format_number(value, lang))
            if notice is None:
                widget.set_message(None)
            else:
                widget.set_message(notice.text, notice.severity)

