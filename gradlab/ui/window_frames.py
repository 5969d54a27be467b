"""When and how the main window draws (a mixin of MainWindow, gradlab/ui/main_window.py).

Updates and history arrive from the controller at the worker's pace; the window draws the newest
one when the frame pacer (pacing.py) allows. The frame timer runs only when something new waits
to be drawn: an idle window, or one waiting out its pacing, does not wake 60 times a second (each
wake-up of this process can push a training process or a DDP worker off its core).

While running, a frame is drawn a panel at a time (``_redraw_stages``), each in its own turn of the
event loop: Qt paints every panel whose data changed in one batch of posted events, and a whole
frame (25–45 ms on 2 cores) was one stall of the window, during which a click or a key waited. A
panel is one step ahead of the next for the few milliseconds between turns; paused, and in every
picture taken (``draw_now``), all of them show the same step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer

from gradlab.ui import theme as th

if TYPE_CHECKING:
    from gradlab.views.update import Update

#: While running, the history curves (whose x-axis moves every frame) are redrawn at most this
#: often; slower still once they hold more than BIG_HISTORY steps.
HISTORY_INTERVAL = 0.25
HISTORY_INTERVAL_BIG = 0.5
BIG_HISTORY = 200_000


class FrameDrawing:
    """Drawing of MainWindow: it provides pacer, lab, training, history_panel, status,
    timeline_bar, options, update_shown, _dirty, _history_dirty, _closed and
    _last_history_draw."""

    def _frame_timer(self) -> QTimer:
        """The frame timer; also makes the stage timer and the stages of a frame being drawn."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(self._frame)
        self._stages: list[Callable[[], None]] = []
        self._stage_timer = QTimer(self)
        self._stage_timer.setSingleShot(True)
        self._stage_timer.timeout.connect(self._next_stage)
        return timer

    def _wake(self) -> None:
        """Have ``_frame`` run when what is new may be drawn: at once, or when the pacer (or,
        for the history alone while running, its own interval) allows."""
        if self._closed or not ((self._dirty and self.lab.latest is not None)
                                or self._history_dirty):
            return
        due = self.pacer.next_allowed
        if not self._dirty and self.lab.running:
            due = max(due, self._last_history_draw + self._history_interval())
        ms = max(0, math.ceil((due - time.perf_counter()) * 1000))
        if not self.frame_timer.isActive() or self.frame_timer.remainingTime() > ms:
            self.frame_timer.start(ms)

    def _history_interval(self) -> float:
        big = self.history_panel.buffer.size > BIG_HISTORY
        return HISTORY_INTERVAL_BIG if big else HISTORY_INTERVAL

    def _frame(self, urgent: bool = False) -> None:
        """Draw what is new, no more often than the pacer allows (see pacing.py). ``urgent``:
        the update answers the user's input, and is drawn at once, in one go."""
        if self._stages:
            if not urgent:
                return  # (the last stage of the frame being drawn wakes this again)
            self._stage_timer.stop()
            self._stages = []  # the frame below draws every panel and the status bar
        if not (self._dirty or self._history_dirty):
            return
        started = time.perf_counter()
        if not self.pacer.may_draw(started):
            self._wake()
            return
        running = self.lab.running
        wait = self.lab.awaiting_answer(started) if running and not urgent else 0.0
        if wait > 0:  # the answer to the user's change is on its way: keep the thread free
            self.frame_timer.start(math.ceil(wait * 1000))
            return
        stages = []
        if self._history_dirty and (not running or started - self._last_history_draw
                                    > self._history_interval()):
            self._last_history_draw = started
            stages.append(self.flush_history)
        if self._dirty and self.lab.latest is not None:
            self._dirty = False
            stages += self._redraw_stages(self.lab.latest)
        if not running or urgent:  # all at once: a paused window shows one step everywhere
            for stage in stages:
                stage()
            stages = []
        self._stages = stages
        if stages:
            self._next_stage()
        self.pacer.drew(time.perf_counter(), throttle=running)
        self._wake()  # the history, if it waits for its own interval

    def _next_stage(self) -> None:
        """Draw the next panel of the frame; the rest after the event loop has had a turn."""
        if self._closed:
            self._stages = []
            return
        wait = self.lab.awaiting_answer(time.perf_counter())
        if wait > 0:  # as in _frame: the answer, drawn at once, replaces the rest of this frame
            self._stage_timer.start(math.ceil(wait * 1000))
            return
        if self._stages:
            self._stages.pop(0)()
        if self._stages:
            self._stage_timer.start(0)
        else:
            self._wake()

    def _redraw_stages(self, update: Update) -> list[Callable[[], None]]:
        """``redraw`` in stages: each panel, then the status bar (the step is then on screen)."""
        return [*self.training.update_stages(update), lambda: self._shown(update)]

    def _shown(self, update: Update) -> None:
        if th.FONT_SCALE != 1.0:  # the fit panel restyles its markers when the data change
            self.options.scaler.keep(self.fit_panel)
        self.shown = update
        self.status.show_update(update)
        # With the frame, not with every update: a new range and step text repaint the slider
        # and its label, and lay them out again. Set for each of 40 updates a second while the
        # frames came 2 a second (as with data-parallel workers), the window's thread used
        # 0.16-0.18 of a core; 0.09-0.10 with the frame (N = 1 000).
        self.timeline_bar.show_update(update)
        self.update_shown.emit(update)

    def redraw(self, update: Update) -> None:
        """Put ``update`` on every panel and in the status bar (a frame being drawn in stages
        is finished first: this one replaces it)."""
        self._finish_stages()
        for stage in self._redraw_stages(update):
            stage()

    def _finish_stages(self) -> None:
        self._stage_timer.stop()
        stages, self._stages = self._stages, []
        for stage in stages:
            stage()

    def flush_history(self) -> None:
        self._history_dirty = False
        self.history_panel.redraw()
        if th.FONT_SCALE != 1.0:  # its dots are restyled as the history grows
            self.options.scaler.keep(self.history_panel)

    def draw_now(self) -> None:
        """Everything on screen is up to date (a picture must show the latest step)."""
        self._finish_stages()
        if self._dirty and self.lab.latest is not None:
            self._dirty = False
            self.redraw(self.lab.latest)
        if self._history_dirty:
            self.flush_history()

    def redraw_shown(self) -> None:
        """Draw the update on screen again (after a theme or text-size change)."""
        if self.shown is not None:
            self.redraw(self.shown)
            self.flush_history()
