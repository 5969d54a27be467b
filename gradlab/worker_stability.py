"""The worker's learning-rate limit (core/stability.py) and its "×2 the data" command.

``StabilitySlots`` is a mixin of :class:`~gradlab.worker.TrainerWorker` (placed before
``RunLoop``, whose ``_emit`` and ``_report_divergence`` it extends). The limit is computed here,
in the worker, and only when what it depends on changes: the settings (reduction, batch size,
loss, optimizer, weights, lr for the prediction), the data, or, with minibatches, the epoch whose
batches it ranges over. An update that changes none of these costs one comparison; the window
only draws the numbers it is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot

from gradlab.worker_loop import guarded

if TYPE_CHECKING:
    from gradlab.core.records import StepRecord
    from gradlab.views.stability import StabilityNote

# The maths (core.stability, views.stability) is imported where it is used: the window's process
# imports this module for the signals only.


class StabilitySlots:
    """The limit of the run on screen, sent when its inputs change; "×2 the data"."""

    #: (generation, StabilityNote): the limit and what the status says before the run
    stability_changed = Signal(int, object)

    _config: Any
    _dataset: Any
    _trainer: Any
    _generation: int
    _stability_key: Any = None
    _stability_note: StabilityNote | None = None

    def _emit(self, record: StepRecord, history: Any, teach: bool = True) -> None:
        super()._emit(record, history, teach)  # type: ignore[misc]
        self._check_stability()

    def _stability_inputs(self) -> tuple[Any, ...] | None:
        if self._trainer is None or self._dataset is None:
            return None
        n = len(self._dataset)
        minibatch = self._config.effective_batch_size(n) < n
        return (self._config, self._dataset, self._trainer.epoch if minibatch else 0,
                self._generation)

    def _check_stability(self, force: bool = False) -> StabilityNote | None:
        """Compute and send the limit if its inputs changed since it was last sent."""
        key = self._stability_inputs()
        if key is None:
            return None
        last = self._stability_key
        same = (last is not None and key[1] is last[1] and key[2:] == last[2:]
                and (key[0] is last[0] or key[0] == last[0]))
        if same and not force:
            return self._stability_note
        self._stability_key = key
        from gradlab.views.stability import stability_note

        config, dataset, epoch, generation = key
        if config.model != "line":  # the limit is the line's (MSE's curvature): none sent, and
            self._stability_note = None  # the window says it is the line model's only
            self.stability_changed.emit(generation, None)
            return None
        try:
            note = stability_note(config, dataset, epoch)
        except ValueError:  # settings the run itself refuses (reported by the run)
            note = None
        self._stability_note = note
        if note is not None:
            self.stability_changed.emit(generation, note)
        return note

    def _report_divergence(self, record: StepRecord) -> None:
        """A divergence the limit foretold says so ("… — as predicted: lr 0.05 > …")."""
        from gradlab.views.stability import diverged_predicted

        note = self._check_stability()
        if note is None or note.prediction is None:
            super()._report_divergence(record)  # type: ignore[misc]
            return
        self.diverged.emit(self._generation, diverged_predicted(
            record.step, str(record.diverged), record.lr, note.prediction))

    @Slot()
    @guarded
    def double_data(self) -> None:
        """"×2 the data": every point twice. Training goes on from the same w, b and step (as
        after a hand edit), so the limit can be compared before and after."""
        from gradlab.core.stability import doubled
        from gradlab.views.panels import layout_for

        if self._trainer is None or self._dataset is None:
            return
        config, dataset = doubled(self._config, self._dataset)
        (w, b), steps = self._trainer.params, self._trainer.step_count
        trainer = self._mod.Trainer(config, dataset)
        trainer.set_params(w, b)
        trainer.step_count = steps
        self._config, self._dataset, self._trainer = config, dataset, trainer
        self._layout = layout_for(dataset, config.seed)
        self._mixed = self._mixed or steps > 0
        self._snapshot(force=True)
        self.data_edited.emit(config, len(dataset))
        if not self._running:
            self._show_preview()
