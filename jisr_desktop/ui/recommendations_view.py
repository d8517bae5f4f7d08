"""The services the answers on screen recommend, each with why, live as she rates."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _, ngettext
from jisr_desktop.models.programme.assessment import Recommendation
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.service_card import SERVICE_ID_ROLE


class RecommendationsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.title.setBuddy(self.tree)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    def show_recommendations(self, recommendations: list[Recommendation]) -> None:
        lang = self.ctx.lang
        types = self.ctx.defs.services.data.get("types") or {}
        self.tree.clear()
        for rec in recommendations:
            top = QTreeWidgetItem(
                [
                    localized(rec.label, lang),
                    localized((types.get(rec.type) or {}).get("label"), lang),
                ]
            )
            top.setData(0, SERVICE_ID_ROLE, rec.service_id)
            top.setToolTip(0, top.text(0))
            for reason in rec.reasons:
                child = QTreeWidgetItem([localized(reason, lang), ""])
                child.setToolTip(0, child.text(0))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            # Spanning is a property of the view: only possible once the item is in it.
            for i in range(top.childCount()):
                top.child(i).setFirstColumnSpanned(True)
        self.tree.expandAll()
        n = len(recommendations)
        self.title.setText(
            ngettext("{n} recommended service", "{n} recommended services", n).format(
                n=format_number(n, lang)
            )
        )

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([_("Service"), _("Type")])
        self.tree.setAccessibleName(_("Recommended services"))
