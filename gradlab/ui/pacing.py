"""How much of the GUI thread the drawing may take.

With the trainer in a thread of this process (``THREAD_DUTY``): every bit of Python or PySide
painting holds the GIL, and while it is held the training thread cannot take its next step (torch
hands the GIL back and forth dozens of times per step). So while the worker runs, the window
measures the CPU share its own thread used and spaces frames out to keep it near the duty; the
rest belongs to the worker. With the trainer in its own process (``PROCESS_DUTY``) there is no
GIL to share, only the CPU: the window may use nearly all of one core while the trainer has another.
When nothing runs, frames are immediate.
"""

from __future__ import annotations

import time

#: Share of wall time the GUI thread may use while a worker thread in this process runs ...
THREAD_DUTY = 0.25
#: ... and while a worker process runs: the trainer has a core of its own (remote.training_threads),
#: and drawing less would not give it more. Measured at N = 10^6 (bench.py, 2 cores): the window
#: not drawing at all made the trainer only 7 % faster; at 0.9 the window drew 24–30 frames/s
#: where 0.7 gave 17, and the trainer's steps/s stayed within the run-to-run noise (0.57–0.67 of
#: the bare loop at 0.8 and 0.9).
PROCESS_DUTY = 0.9
#: ... and while data-parallel workers run (Batches & workers): the trainer and W workers share
#: the cores with the window, and a worker pushed off its core holds every other one at the
#: all-reduce. Measured with 2 workers at N = 1 000 (2 cores): the window drawing at 0.9 took
#: 0.6 of a core and the lab made 0.50 of a bare DDP loop's steps; not drawing, 0.71.
SHARED_DUTY = 0.1
MIN_INTERVAL = 1 / 60
MAX_INTERVAL = 0.5
#: The interval changes by at most this factor per measurement (a quarter second).
MAX_STEP = 4.0


def duty_for(worker_mode: str, workers: int | None) -> float:
    """The GUI thread's share while running: ``worker_mode`` "process" or "thread", and the
    number of data-parallel workers (None: none)."""
    if worker_mode != "process":
        return THREAD_DUTY
    return SHARED_DUTY if workers else PROCESS_DUTY


class FramePacer:
    """A feedback loop on the GUI thread's own CPU time (thread_time, so GIL waits don't count)."""

    def __init__(self, duty: float = THREAD_DUTY) -> None:
        self.target = duty
        self.interval = MIN_INTERVAL
        self.next_allowed = 0.0
        self._mark = (time.perf_counter(), time.thread_time())
        self.duty = 0.0
        #: CPU seconds a frame took (with its paints), as last measured while running
        self.cost = 0.0
        self._count = 0  # frames drawn since ``_mark``
        self._throttling = False

    def set_target(self, duty: float) -> None:
        """A new share of the core (data-parallel workers on or off). The cost of a frame stays
        what it was, so the interval starts where that cost at the new share puts it instead of
        walking there by factors of MAX_STEP: a data-parallel run after a plain one drew 10-15
        frames a second for its first half second, which held its workers at the all-reduce."""
        if duty == self.target:
            return
        cost = self.cost
        interval = cost / duty if cost > 0 else self.interval * self.target / duty
        self.target = duty
        self.interval = min(MAX_INTERVAL, max(MIN_INTERVAL, interval))

    def allow_now(self) -> None:
        """The next frame answers a user's input: it is not made to wait its turn."""
        self.next_allowed = 0.0

    def may_draw(self, now: float) -> bool:
        return now >= self.next_allowed

    def drew(self, now: float, throttle: bool) -> None:
        """Call after drawing a frame; must run on the GUI thread. ``throttle``: a run goes on
        (otherwise frames are immediate, and the interval learnt is kept for the next run: the
        benchmark's 2-second runs spent most of their time relearning it from 1/60 s)."""
        wall0, cpu0 = self._mark
        cpu = time.thread_time()
        was, self._throttling = self._throttling, throttle
        if not throttle or not was:  # a pause's idle time is not a frame's cost: measure anew
            self._mark, self._count = (now, cpu), 0
            self.next_allowed = now + (self.interval if throttle else MIN_INTERVAL)
            return
        self._count += 1
        if now - wall0 >= 0.25:  # measure over a quarter second: paints come after the frame
            self.duty = (cpu - cpu0) / (now - wall0)
            self.cost = (cpu - cpu0) / self._count
            self._mark, self._count = (now, cpu), 0
            factor = min(MAX_STEP, max(1 / MAX_STEP, self.duty / self.target))
            self.interval = min(MAX_INTERVAL, max(MIN_INTERVAL, self.interval * factor))
        self.next_allowed = now + self.interval
