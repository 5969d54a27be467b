"""What the worker tells the user, as translatable ``Message`` objects (the window translates
them where they are shown)."""

from __future__ import annotations

import traceback

from gradlab.core.messages import QT_TRANSLATE_NOOP, Message, error_message


def exception_name(exc: BaseException) -> Message:
    """``ValueError: what went wrong`` (the reason translatable when it is a Message)."""
    return Message(QT_TRANSLATE_NOOP("messages", "{name}: {reason}"), name=type(exc).__name__,
                   reason=error_message(exc))


def torch_not_loaded(exc: BaseException) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "PyTorch could not be loaded: {error}"),
                   error=exception_name(exc))


def torch_first_step_failed(exc: BaseException) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "PyTorch failed its first step: {error}"),
                   error=exception_name(exc))


def refused_file(path: str, exc: BaseException) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "{path}: {reason}"), path=path,
                   reason=error_message(exc))


def cannot_write(path: str, exc: OSError) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "{path}: cannot write: {reason}"), path=path,
                   reason=exc.strerror or str(exc))


def still_loading() -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "PyTorch is still loading: try again in a "
                                                 "moment"))


def no_data() -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "there is no data to export yet"))


def bad_session_state(exc: BaseException) -> Message:
    return Message(QT_TRANSLATE_NOOP("messages", "state: {reason}"), reason=error_message(exc))


def code_note(steps: int, mixed: bool, resumed: bool) -> Message:
    """What the "Show the code" dialog says about the script of a run of ``steps`` steps."""
    if mixed:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "The settings changed during this run, so this script (the current "
            "settings from the start, {steps} steps) will not end exactly where the lab is."),
            steps=steps)
    if resumed:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "This run was opened from a saved session: the script replays the "
            "current settings from the start ({steps} steps), which ends where the lab is "
            "only if they did not change before the session was saved."), steps=steps)
    if steps == 1:
        return Message(QT_TRANSLATE_NOOP(
            "messages", "Replays 1 step of the current settings from the start and prints the "
            "same w and b as the lab."))
    return Message(QT_TRANSLATE_NOOP(
        "messages", "Replays {steps} steps of the current settings from the start and "
        "prints the same w and b as the lab."), steps=steps)


def already_diverged(reason: str) -> Message:
    return Message(QT_TRANSLATE_NOOP(
        "messages", "The run diverged ({reason}). Press Reset (R) and lower the learning "
        "rate."), reason=reason)


def diverged_at(step: int, reason: str, lr: float) -> Message:
    return Message(QT_TRANSLATE_NOOP(
        "messages", "diverged at step {step}: {reason} — lower the learning rate "
        "(lr = {lr:g}) and press Reset"), step=step, reason=reason, lr=lr)


def no_reduction(torch_message: str, explanation: str) -> Message:
    """PyTorch's own refusal of ``backward()`` on a vector, and why."""
    return Message(QT_TRANSLATE_NOOP(
        "messages", "PyTorch refused: RuntimeError: {error}\n{explanation}"),
        error=torch_message, explanation=explanation)


def explanation_failed_too(message: Message, exc: BaseException) -> Message:
    return Message(QT_TRANSLATE_NOOP(
        "messages", "{message}\n(the explanation panels failed too: {error})"),
        message=message, error=error_message(exc))


def unexpected(exc: BaseException) -> Message:
    """An error nobody planned for, with where it happened; the run is paused."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return Message(QT_TRANSLATE_NOOP(
        "messages", "{error}  (in {function}, line {line}). Press Reset (R) to start "
        "again."), error=exception_name(exc), function=where.name, line=where.lineno)


def process_crashed(exit_code: int) -> Message:
    """The training process died without being asked to."""
    return Message(QT_TRANSLATE_NOOP(
        "messages", "The training process stopped unexpectedly (exit code {code}). Press "
        "Reset (R) to start a new one: the settings are kept, hand edits to the data since "
        "the last import are lost."), code=exit_code)
