"""Windows that fit the screen they open on: a 1366 × 768 laptop with a taskbar, at 100 %
or 125 % scaling (1093 × 614 logical pixels), is the field's usual machine.

`fit(window, width, height)` gives a window its preferred size, shrunk to the room the
screen leaves (its available area, less a taskbar where the platform reports none, less
the title bar), and centres it there. Pages whose content is taller than that scroll;
their action buttons stay outside the scrolling part.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TASKBAR_PX = 40  # Windows' taskbar at 100 %, in physical pixels
TITLE_BAR_PX = 32  # a window's title bar, in logical pixels
FRAME_PX = 8  # its left and right borders together


def room(widget: QWidget | None = None) -> QRect:
    """The logical area a window may take on the screen of `widget`."""
    screen = (widget.screen() if widget is not None else None) or \
        QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    if area == screen.geometry():
        # No taskbar reported (offscreen, some X11 desktops): leave room for one anyway.
        area.setHeight(area.height() - round(TASKBAR_PX / screen.devicePixelRatio()))
    return area


def client_room(widget: QWidget | None = None) -> QSize:
    """The largest inside of a window (frame and title bar excluded) that fits."""
    area = room(widget)
    return QSize(area.width() - FRAME_PX, area.height() - TITLE_BAR_PX)


def fit(window: QWidget, width: int, height: int) -> QSize:
    """Resize `window` to (width, height) or less, to fit `room()`, and centre it."""
    most = client_room(window)
    size = QSize(min(width, most.width()), min(height, most.height()))
    window.resize(size)
    area = room(window)
    left = area.left() + (area.width() - size.width()) // 2
    top = area.top() + (area.height() - size.height() - TITLE_BAR_PX) // 2
    window.move(left, max(area.top(), top))
    return size
