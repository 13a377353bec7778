"""Opening a web address in the system browser from the app, without ever blocking it.

A browser in a window of its own starts from a thread. One that runs in this terminal (lynx,
w3m, or what BROWSER names) gets the terminal: the app is suspended until it exits, so the
two never draw over each other. Where the app cannot be suspended, it runs from a thread.
"""

from __future__ import annotations

from textual.app import SuspendNotSupported
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from reader.links import OpenError, browser_takes_the_terminal, open_in_browser


def open_url(node: DOMNode, url: str) -> None:
    """Open `url` in the browser; what went wrong, if anything, is one notification."""
    if browser_takes_the_terminal():
        try:
            with node.app.suspend():
                _open(node, url, in_thread=False)
            return
        except SuspendNotSupported:
            pass
    node.run_worker(lambda: _open(node, url, in_thread=True), thread=True, group="browser")


def _open(node: DOMNode, url: str, *, in_thread: bool) -> None:
    try:
        opened = open_in_browser(url)
    except OpenError as error:
        _tell(node, str(error), "warning", in_thread)
        return
    _tell(node, f"Opened {opened}", "information", in_thread)


def _tell(node: DOMNode, text: str, severity: SeverityLevel, in_thread: bool) -> None:
    notify = node.app.notify
    if in_thread:
        node.app.call_from_thread(notify, text, severity=severity, timeout=3)
    else:
        notify(text, severity=severity, timeout=3)
