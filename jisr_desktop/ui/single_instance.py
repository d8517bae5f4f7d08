"""One copy of the app per data folder (so per store).

Two copies on one store would both offer the same draft and write it in turn. The first
copy holds a lock file in the data folder (Qt's QLockFile: the process id, host and
application name inside; a lock left by a process that no longer runs, after a crash or
a power cut, is taken over). It also listens on a local socket named after the folder; a
second copy asks it to bring its window forward, tells the agent so, and stops.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_FILE = "jisr.lock"
RAISE = b"raise\n"
CONNECT_MS = 500


def server_name(folder: Path) -> str:
    # Per folder and per user; short and free of path separators, as local sockets need.
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"jisr-desktop-{digest}"


class SingleInstance(QObject):
    """`acquire()` once at start; `raiseRequested` fires when another copy was started."""

    raiseRequested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(folder / LOCK_FILE))
        # Never stale by age: a copy left open for days still holds the store. A lock
        # whose process is gone is stale whatever its age (QLockFile checks the pid).
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True if this copy may open the store (and then listens for later copies)."""
        if not self.lock.tryLock(100):
            return False
        self._listen()
        return True

    def holder_pid(self) -> int | None:
        info = self.lock.getLockInfo()  # PySide6: (pid, host, app), pid 0 when unreadable
        pid = info[-3] if isinstance(info, tuple) and len(info) >= 3 else 0
        return int(pid) or None

    def _listen(self) -> None:
        name = server_name(self.folder)
        QLocalServer.removeServer(name)  # a socket file left by a crashed copy (Unix)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(name):
            log.warning("single-instance socket not available: %s", server.errorString())
            return
        server.newConnection.connect(self._knocked)
        self.server = server

    def _knocked(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if RAISE.strip() in bytes(socket.readAll()):
            self.raiseRequested.emit()

    def ask_first_to_show(self) -> bool:
        """From a second copy: ask the first to bring its window forward."""
        socket = QLocalSocket()
        socket.connectToServer(server_name(self.folder))
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write(RAISE)
        socket.waitForBytesWritten(CONNECT_MS)
        socket.disconnectFromServer()
        return True

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()


def bring_forward() -> None:
    """Show this copy's foremost window: the lock or unlock dialog, else the main window."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    target = app.activeModalWidget() or next(
        (w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()), None)
    if target is None:
        return
    if target.isMinimized():
        target.showNormal()
    target.raise_()
    target.activateWindow()


def already_open_box(instance: SingleInstance, shown: bool):
    """What the second copy says before it stops (a QMessageBox, not yet shown)."""
    from PySide6.QtWidgets import QMessageBox

    from jisr_desktop.i18n import _

    box = QMessageBox(QMessageBox.Icon.Information, _("Al Jisr — enrolment"), "")
    if shown:
        box.setText(_("Al Jisr is already open on this computer: its window has been "
                      "brought to the front."))
    else:
        box.setText(_("Al Jisr is already open on this computer. Use the open window, or "
                      "close it before starting Al Jisr again."))
    box.addButton(_("Close"), QMessageBox.ButtonRole.AcceptRole)
    return box
