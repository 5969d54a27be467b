"""Messages for people, marked for translation without importing Qt.

The core and the headless CLI speak English. The window shows the same messages in the user's
language: a ``Message`` *is* the English text (a ``str``), and it also keeps its template and the
values filled into it, so the window translates the template with Qt and fills in the very same
values: numbers are formatted once, here, and look identical in every language.

Templates are marked ``QT_TRANSLATE_NOOP("messages", "...")``: the spelling Qt's ``lupdate``
extracts from Python. ``lupdate`` silently skips a call that has keyword arguments, so the marker
always wraps the bare literal and the values go to ``Message``::

    raise ConfigError("lr", Message(QT_TRANSLATE_NOOP("messages", "must be > 0, got {lr!r}"),
                                    lr=lr))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The translation context of every Message template.
CONTEXT = "messages"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate knows
    """Mark ``text`` for translation in ``context``; returns it unchanged."""
    return text


def _restore(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


class Message(str):
    """English text that remembers ``template`` and ``params`` (``template.format(**params)``).

    Parameters may be Messages themselves (a reason inside a frame); they are translated too.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        self = super().__new__(cls, template.format(**params))
        self.template = template
        self.params = params
        return self

    def __reduce__(self) -> tuple:  # crosses a process pipe with its template and values
        return (_restore, (self.template, self.params))

    def translated(self, translate: Callable[[str, str], str]) -> str:
        """The message in another language: ``translate(CONTEXT, template)`` filled with the
        same values. A translation that does not fit the values gives the English text."""
        params = {key: value.translated(translate) if isinstance(value, Message) else value
                  for key, value in self.params.items()}
        try:
            return translate(CONTEXT, self.template).format(**params)
        except (KeyError, IndexError, ValueError):
            return self.template.format(**params)


def error_message(exc: BaseException) -> str:
    """What to tell the user about ``exc``: the Message it was raised with, if any, else its
    text."""
    args = exc.args
    if len(args) == 1 and isinstance(args[0], Message):
        return args[0]
    return str(exc)
