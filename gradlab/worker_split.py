"""The worker's split commands: micro-batches with gradient accumulation, DDP workers, the
last batch (the Batches & workers tab).

``SplitSlots`` is a mixin of :class:`~gradlab.worker.TrainerWorker` (see worker_files.py for the
pattern). The worker owns the trainer of the split in force: an ``AccumulatingTrainer``, or a
``ParallelTrainer`` over a ``WorkerGroup`` this mixin starts (in the training process, from the
fork server ``distributed.prepare()`` starts as soon as the tab is first shown) and ALWAYS ends:
when the split changes, when a worker dies (the tab says so and the lab trains on in one
process) and when the worker stops.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot

from gradlab.core.config import ConfigError
from gradlab.core.messages import QT_TRANSLATE_NOOP, Message, error_message
from gradlab.core.records import HistoryChunk
from gradlab.core.splitting import SplitSettings
from gradlab.worker_loop import guarded

# The split batch is built on the line model's trainer (issue 16); the logistic model says so.
LINE_ONLY = Message(QT_TRANSLATE_NOOP(
    "messages", "Micro-batches, DDP workers and the last batch are shown for the line model "
    "only: switch the model to line to use this tab."))


def _record_chunk(record: Any) -> HistoryChunk:
    """The history row of one step (as ``Trainer.run`` makes it)."""
    return HistoryChunk([record.step], [record.loss], [record.grad_w], [record.grad_b],
                        [record.w_after], [record.b_after])


def in_process_equivalent(split: SplitSettings) -> SplitSettings:
    """The accumulation that computes exactly the DDP workers' step in one process: shard j is
    micro-batch j; DDP averages (1/W), so an unscaled local loss is accumulation with 1/K and
    a loss × W is accumulation with no scale. Used to replay past steps (the timeline)."""
    scale = "none" if split.ddp_loss_scale == "world" else "1/K"
    if split.shard_sizes is not None:
        return SplitSettings(micro_sizes=split.shard_sizes, accum_scale=scale)
    return SplitSettings(micro_batches=split.workers, accum_scale=scale)


class SplitSlots:
    """Slots of the Batches & workers tab, and the trainer of the split in force."""

    #: the split now in force (a SplitSettings; all None: one ordinary backward() per step)
    split_changed = Signal(object)
    #: a split setting was refused, or the workers ended: the message for the tab
    split_failed = Signal(object)
    #: workers starting: (ready, world size); spawned ones (Windows, macOS) take seconds each
    split_progress = Signal(int, int)

    _config: Any
    _dataset: Any
    _trainer: Any
    _mod: Any

    def __init__(self) -> None:
        super().__init__()
        self._split = SplitSettings()
        self._accum_pressed = 0
        self._accum_at: tuple | None = None  # (generation, step) the presses belong to
        self._last_parallel: Any = None  # the last ParallelStep taken with details
        self._drop_last = False
        self._split_message: object = None
        self._lastbatch: Any = None
        self._prepared = False
        self._group: Any = None  # the running WorkerGroup, if any (this mixin ends it)

    # ---- the trainer of the split ----------------------------------------------------------

    def _new_trainer(self, config: Any, dataset: Any) -> Any:
        """A trainer at step 0 for ``config`` and the split in force (sharing the group)."""
        self._last_parallel = None  # a step of the run before
        return self._split_trainer(self._split, config, dataset, None)

    def _replay_trainer(self, config: Any, dataset: Any) -> Any:
        """A trainer that computes the run's steps in this process (timeline replays)."""
        from gradlab.core.accumulate import AccumulatingTrainer

        split = self._split
        if split.parallel:
            split = in_process_equivalent(split)
        if split.accumulating:
            return AccumulatingTrainer(config, dataset, split)
        return self._mod.Trainer(config, dataset)

    def _adopt(self, trainer: Any) -> Any:
        """The run's trainer for ``trainer``'s state under the split in force (a replayed
        trainer of a data-parallel run goes back to the workers)."""
        if not self._split.parallel:
            return trainer
        return self._split_trainer(self._split, trainer.config, trainer.dataset,
                                   trainer.state_dict())

    def _adopt_session_split(self, split: SplitSettings | None, trainer: Any) -> Any:
        """An opened session's split is the one in force from now on (``trainer`` is the
        session's own: accumulating already; workers are started here)."""
        split = split or SplitSettings()
        if split.parallel:
            trainer = self._split_trainer(split, trainer.config, trainer.dataset,
                                          trainer.state_dict())
        else:
            self._close_group()
        self._split, self._split_message, self._last_parallel = split, None, None
        self.split_changed.emit(split)
        return trainer

    def _split_trainer(self, split: SplitSettings, config: Any, dataset: Any,
                       state: dict | None) -> Any:
        from gradlab.core.accumulate import AccumulatingTrainer

        if split.parallel:
            trainer = self._parallel_trainer(split, config, dataset)
        elif split.accumulating:
            trainer = AccumulatingTrainer(config, dataset, split)
        else:
            trainer = self._mod.Trainer(config, dataset)
        if state is not None:
            trainer.load_state_dict(state)
        return trainer

    def _parallel_trainer(self, split: SplitSettings, config: Any, dataset: Any) -> Any:
        """A ParallelTrainer on the running group if it has the right size, else a new one."""
        from gradlab.core.distributed import WorkerGroup

        group = self._group
        if group is None or not group.running or group.world_size != split.workers:
            self._close_group()
            self._prepare_workers()
            group = WorkerGroup(split.workers or 1)
            self.split_progress.emit(0, group.world_size)
            group.start(progress=self.split_progress.emit)
            self._group = group
        return _parallel_class()(self, config, dataset, split, group)

    def _prepare_workers(self) -> None:
        """Start the fork server (it imports torch once) so that a group starts in ~0.1 s."""
        if not self._prepared:
            import multiprocessing

            from gradlab.core.distributed import prepare

            # The training process is a daemon (the window's process ends it), and a daemon may
            # not start processes: this one ends its workers itself (close_split, and a worker
            # whose pipe closes leaves), so it may.
            multiprocessing.current_process().daemon = False
            prepare()
            self._prepared = True

    def _close_group(self) -> None:
        """End the running group's processes (if any)."""
        group, self._group = self._group, None
        if group is not None:
            group.close()

    def close_split(self) -> None:
        """End every worker process (the window is closing). Not a slot: called in the worker's
        own thread by ``stop``, or after that thread has ended."""
        self._close_group()

    # ---- commands --------------------------------------------------------------------------

    @Slot(object)
    @guarded
    def set_split(self, split: SplitSettings) -> None:
        """Split every step's batch this way from the next step on (w, b, the step and the
        optimizer's state stay); a split that does not fit the batches changes nothing."""
        if self._trainer is None or self._dataset is None:
            self.split_failed.emit(Message(QT_TRANSLATE_NOOP(
                "messages", "PyTorch is still loading: try again in a moment")))
            return
        if self._config.model != "line" and split.active:
            self.split_failed.emit(LINE_ONLY)
            return
        n = len(self._dataset)
        bs = self._config.effective_batch_size(n)
        try:
            split.check_against(bs, n % bs or None)
        except ConfigError as exc:
            self.split_failed.emit(error_message(exc))
            return
        self._pause()
        old = self._trainer
        state = old.state_dict()
        if split.parallel and getattr(old, "group", None) is not None \
                and old.group.world_size == split.workers:
            old.set_split(split)
            trainer = old
        else:
            if not split.parallel:
                self._close_group()
            trainer = self._split_trainer(split, self._config, self._dataset, state)
        self._trainer, self._split = trainer, split
        self._split_message = None
        self._last_parallel = None
        self._accum_pressed = 0
        self._mixed = self._mixed or trainer.step_count > 0
        self._snapshot(force=True)
        self.split_changed.emit(split)
        self._show_preview()

    @Slot()
    @guarded
    def split_backward(self) -> None:
        """One more micro-batch's backward() on the tab's next step."""
        self._accum_pressed += 1
        self._teach(force=True)

    @Slot(bool)
    @guarded
    def set_drop_last(self, drop: bool) -> None:
        self._drop_last = bool(drop)
        self._teach(force=True)

    # ---- what the tab shows ----------------------------------------------------------------

    def _batches_view(self) -> Any:
        """The tab's BatchesView for the run as it stands."""
        from gradlab.views.batches import (
            BatchesView,
            LastBatchCache,
            accumulation_view,
            workers_view,
        )

        if self._config.model != "line":
            return BatchesView(self._split, None, None, None, self._drop_last, None, LINE_ONLY)
        if self._lastbatch is None:
            self._lastbatch = LastBatchCache()
        self._prepare_workers()  # the tab is on screen: workers may be asked for soon
        trainer, split = self._trainer, self._split
        at = (self._generation, trainer.step_count)
        if at != self._accum_at:
            self._accum_at, self._accum_pressed = at, 0
        accum = workers = None
        if split.accumulating and trainer.diverged is None and self._config.reduction != "none":
            accum = accumulation_view(trainer, self._config, self._dataset, split,
                                      self._accum_pressed, self._running)
            self._accum_pressed = accum.pressed
        if split.parallel and getattr(trainer, "group", None) is not None:
            workers = workers_view(trainer, split, self._last_parallel)
        last = self._lastbatch.get(self._dataset, self._config, self._drop_last)
        return BatchesView(split, accum, workers, last, self._drop_last, self._split_message)

    # ---- a worker process that dies ends the group -----------------------------------------

    def _fail(self, exc: Exception) -> None:
        from gradlab.core.distributed import WorkerGroupError

        if not isinstance(exc, WorkerGroupError) or self._trainer is None:
            super()._fail(exc)
            return
        # The group has ended itself (every process is gone): train on in one process from
        # where the parent's trainer stands, and say why in the tab.
        try:
            self._pause()
        except Exception:  # noqa: BLE001, S110 - the pause's flush may be what failed
            pass
        self._drop_pending()
        state = self._trainer.state_dict()
        self._close_group()  # already ended by the group itself: forget it
        self._split = SplitSettings()
        self._last_parallel = None
        self._trainer = self._split_trainer(self._split, self._config, self._dataset, state)
        self._split_message = error_message(exc)
        self._snapshot(force=True)
        self.split_changed.emit(self._split)
        self.split_failed.emit(self._split_message)
        self._show_preview()


_PARALLEL: Any = None


def _parallel_class() -> Any:
    """A ParallelTrainer whose single steps keep every worker's report for the tab."""
    global _PARALLEL  # noqa: PLW0603 - built once, after torch is imported
    if _PARALLEL is not None:
        return _PARALLEL
    from gradlab.core.dataparallel import ParallelTrainer

    class Recording(ParallelTrainer):
        #: Running, each slice of steps is one round trip to every worker: longer slices
        #: (commands are still served within ~50 ms) keep the pipes from setting the pace.
        slice_seconds = 0.05
        #: ... and the window, which leaves the cores to the workers (ui/pacing.SHARED_DUTY),
        #: draws a few frames a second: more updates would only cost every process CPU.
        update_interval = 0.1

        def __init__(self, owner: SplitSlots, config: Any, dataset: Any,
                     split: SplitSettings, group: Any) -> None:
            self._owner = owner
            super().__init__(config, dataset, split, group)

        def run(self, n: int) -> tuple[Any, HistoryChunk]:
            self.work_ahead = bool(self._owner._running)  # the loop calls again at once
            if n != 1 or self.config.reduction == "none" or self._owner._running:
                return super().run(n)  # running: no details (the tab shows the last Step's)
            from gradlab.views.batches import parallel_view

            step = self.step_split()
            self._owner._last_parallel = parallel_view(step)
            return step.record, _record_chunk(step.record)

        def preview(self) -> Any:
            """The next step's loss and gradient WITHOUT the workers (a step of theirs would
            move their parameters): the same sums in this process."""
            from gradlab.core.accumulate import AccumulatingTrainer

            twin = AccumulatingTrainer(self.config, self.dataset,
                                       in_process_equivalent(self.split))
            twin.load_state_dict(self.state_dict())
            return twin.preview()

    _PARALLEL = Recording
    return _PARALLEL
