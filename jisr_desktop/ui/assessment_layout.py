"""The assessment page's layout: its header, the three phases built from the assessment
definition, the recommendations and service card beside them, the save row, and the tab
order through all of it. A mixin of `AssessmentPage`, which fills and saves them."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.models.programme.form import LEVELS_LIST
from jisr_desktop.ui.field_widget import FieldWidget
from jisr_desktop.ui.form_widgets import make_field_widget
from jisr_desktop.ui.recommendations_view import RecommendationsView


class AssessmentLayout:
    """Builds `AssessmentPage`'s widgets; see the module docstring."""

    def _build_header(self) -> QHBoxLayout:
        self.back_button = QPushButton()
        self.back_button.setObjectName("backToRecord")
        self.back_button.clicked.connect(self._back)
        self.title = QLabel()
        self.title.setObjectName("title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_saved = QLabel()
        names = QVBoxLayout()
        for label in (self.title, self.who, self.last_saved):
            names.addWidget(label)
        header = QHBoxLayout()
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(names, 1)
        return header

    def _build_phases(self) -> QScrollArea:
        """The three phases, one box each, built from the assessment definition."""
        self.inputs: dict[str, FieldWidget] = {}
        self.phase_boxes: list[tuple[QGroupBox, Any]] = []
        self.competence_headers: dict[str, QLabel] = {}
        holder = QWidget()
        column = QVBoxLayout(holder)
        phase_data = {p["name"]: p for p in self.ctx.defs.assessment.data.get("phases") or ()}
        for section in self.form.sections:
            box = QGroupBox()
            box.setObjectName(f"section_{section.name}")
            box_layout = QVBoxLayout(box)
            if phase_data[section.name].get("competences"):
                header = QLabel()
                header.setWordWrap(True)
                self.competence_headers[section.name] = header
                box_layout.addWidget(header)
            for fld in section.fields:
                # The competence levels are a scale: radios along a row, four or not.
                item = make_field_widget(fld, self.ctx.reference, radio_lists=(LEVELS_LIST,))
                item.setObjectName(f"field_{fld.name}")
                item.edited.connect(self._answers_changed)
                self.inputs[fld.name] = item
                box_layout.addWidget(item)
            self.phase_boxes.append((box, section))
            column.addWidget(box)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        return self.scroll

    def _build_side(self) -> QWidget:
        """Live recommendations above, the service card and its deliveries below."""
        self.recommendations_view = RecommendationsView(self.ctx)
        self.recommended = self.recommendations_view.tree  # the tests read it
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.recommendations_view, 2)
        side_layout.addWidget(self.service_card, 3)
        return side

    def _build_bottom(self) -> QHBoxLayout:
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        return bottom

    def _build_timers(self) -> None:
        # Recomputing on every keystroke in a text box is cheap, but coalescing keeps the
        # tree from being rebuilt several times per event loop turn.
        self.recompute_timer = QTimer(self)
        self.recompute_timer.setSingleShot(True)
        self.recompute_timer.setInterval(0)
        self.recompute_timer.timeout.connect(self.refresh_recommendations)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        for item in self.inputs.values():
            chain.extend(item.focus_chain())
        chain += [self.save_button, self.recommended, *self.service_card.focus_chain()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
