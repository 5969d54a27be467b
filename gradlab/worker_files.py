"""The worker's file commands (CSV, sessions, code, history), kept apart from its run commands.

``FileSlots`` is a mixin of :class:`~gradlab.worker.TrainerWorker`: its slots are the worker's
own (PySide6 registers a mixin's ``@Slot`` methods on the QObject class, so the training
process mirrors them like any other, see remote.py), and they use the worker's signals and state.
Each reads or writes a file in the worker's thread, so a big file never blocks the window; a file
that is refused changes nothing and says why.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from PySide6.QtCore import Slot

from gradlab.core.messages import error_message
from gradlab.core.records import HistoryChunk
from gradlab.views import messages as msg
from gradlab.views.files import spelled_config, write_history_csv
from gradlab.worker_loop import guarded


class FileSlots:
    """Slots that read or write files: CSV data, hand edits of the data, sessions, the code
    script and the history."""

    _config: Any
    _dataset: Any
    _trainer: Any

    @Slot(str, int)
    @guarded
    def load_csv(self, path: str, generation: int) -> None:
        """Read a CSV file here (a big one takes a while); on success restart on it under
        ``generation``, otherwise report why and leave everything as it was."""
        from gradlab.core.data import DataError, read_csv

        try:
            dataset = read_csv(path)
            config = self._config.for_data(len(dataset), path, keep_weights=False)
            config.check_against(len(dataset))
        except (DataError, ValueError) as exc:
            self.file_failed.emit(msg.refused_file(path, exc))
            return
        self._config, self._dataset, self._generation = config, dataset, generation
        self.data_loaded.emit(config, dataset, generation)
        if self._mod is not None:
            self._rebuild()

    @Slot(str, int, float, float)
    @guarded
    def edit_data(self, op: str, index: int, x: float, y: float) -> None:
        """Move, add or remove one point; training goes on from the same w and b on the new data.

        The optimizer starts afresh (momentum and Adam forget their state): the loss surface it
        was following has changed.
        """
        from gradlab.views.panels import layout_for

        if self._trainer is None or self._dataset is None:
            return
        from gradlab.core.data import DataError

        ds = self._dataset
        try:
            if op == "move":
                new = ds.with_point(index, x, y)
            elif op == "add":
                new = ds.with_added(x, y)
            elif op == "remove":
                new = ds.without(index)
            else:
                raise ValueError(f"unknown edit {op!r}")
        except (DataError, IndexError) as exc:
            self.file_failed.emit(error_message(exc))
            return
        cfg = self._config
        n = len(new)
        config = cfg.for_data(n, cfg.source or f"{cfg.preset} (edited)")
        (w, b), steps = self._trainer.params, self._trainer.step_count
        trainer = self._new_trainer(config, new)
        trainer.set_params(w, b)
        trainer.step_count = steps
        self._config, self._dataset, self._trainer = config, new, trainer
        self._layout = layout_for(new, config.seed)
        self._mixed = self._mixed or steps > 0
        self._snapshot(force=True)
        self.data_edited.emit(config, n)
        if not self._running:
            self._show_preview()

    @Slot(str)
    @guarded
    def export_csv(self, path: str) -> None:
        from gradlab.core.data import write_csv

        if self._dataset is None:
            self.file_failed.emit(msg.no_data())
            return
        try:
            write_csv(self._dataset, path)
        except OSError as exc:
            self.file_failed.emit(msg.cannot_write(path, exc))
            return
        self.file_written.emit(path)

    @Slot()
    @guarded
    def export_code(self) -> None:
        from gradlab.core.codegen import generate_script
        from gradlab.core.codegen_split import generate_split_script

        if self._trainer is None or self._dataset is None:
            self.file_failed.emit(msg.still_loading())
            return
        steps = self._trainer.step_count
        note = msg.code_note(steps, self._mixed, self._resumed)  # the file says what it says
        if self._split.active:  # the accumulation loop, or the DDP script
            script = generate_split_script(self._config, self._dataset, steps, self._split)
        else:
            script = generate_script(self._config, self._dataset, steps, note)
        self.code_generated.emit(script, note)

    @Slot(str)
    @guarded
    def save_session(self, path: str) -> None:
        """Write the run as it stands (config, data, parameters, optimizer and shuffle state,
        step, history) to ``path``; ``session_saved`` or ``session_failed`` says how it went."""
        from gradlab.core.session import SessionError, save_session

        if self._trainer is None or self._dataset is None:
            self.session_failed.emit(path, msg.still_loading())
            return
        self._flush()  # steps still waiting to go out belong to the history saved
        try:
            save_session(path, self._config, self._dataset, self._trainer.state_dict(),
                         self._log.chunk(), compare=self._compared_saved(), split=self._split)
        except SessionError as exc:
            self.session_failed.emit(path, error_message(exc))
            return
        self.session_saved.emit(path)

    @Slot(str, int)
    @guarded
    def load_session(self, path: str, generation: int) -> None:
        """Open a session: on success the run stands exactly where it was saved (under
        ``generation``); a file that is not a valid session changes nothing."""
        from gradlab.core.session import SessionError, load_session
        from gradlab.views.panels import finite_history

        if self._mod is None:
            self.session_failed.emit(path, msg.still_loading())
            return
        try:
            session = load_session(path)  # validates everything, including the trainer state
            config = spelled_config(session.config)
            trainer = dataclasses.replace(session, config=config).make_trainer()
        except SessionError as exc:
            self.session_failed.emit(path, error_message(exc))
            return
        except Exception as exc:  # noqa: BLE001 - whatever a file does to torch is the file's
            self.session_failed.emit(path, msg.bad_session_state(exc))
            return
        history = finite_history(session.history) if session.history is not None \
            else HistoryChunk.empty()
        self._pause()
        self._drop_pending()
        self._generation = generation
        self._config, self._dataset = config, session.dataset
        trainer = self._adopt_session_split(session.split, trainer)
        self._start_run(trainer, history, resumed=trainer.step_count > 0)
        self._step_loss = self._saved_step_loss(history)
        self._resume_compared(session)
        self.session_loaded.emit(path, config, session.dataset, history, generation)
        self._show_preview()

    def _saved_step_loss(self, history: HistoryChunk) -> tuple[int, float, float] | None:
        """The status bar's "loss 30 → 20.8" of the saved last step, from the history and the
        loss at the w, b now; known when every batch is the whole dataset (else the next
        batch is not that step's: the status bar then says "before step k+1")."""
        trainer, k = self._trainer, self._trainer.step_count
        if not len(history) or int(history.step[-1]) != k or self._config.reduction == "none":
            return None
        preview = trainer.preview()
        if preview.batch_size != len(self._dataset) or not math.isfinite(preview.loss):
            return None
        return k, float(history.loss[-1]), preview.loss

    @Slot(str)
    @guarded
    def export_history(self, path: str) -> None:
        """The history (one row per step) as CSV."""
        self._flush()
        try:
            write_history_csv(path, self._log.chunk())
        except OSError as exc:
            self.file_failed.emit(msg.cannot_write(path, exc))
            return
        self.file_written.emit(path)
