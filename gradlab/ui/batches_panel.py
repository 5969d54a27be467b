"""Teaching panel: where the mean is taken when a batch is split.

Three parts, each next to the gradient of the same batch in one ordinary ``backward()``:
gradient accumulation over micro-batches (one ``backward()`` press per micro-batch, each adding a
block to the stacked bars of ``.grad``), data-parallel workers (real DDP processes: one card per
worker), and the epoch's last batch. Every number is computed in the worker (views/batches.py,
with the core's real autograd and torch.distributed); this widget shows them and asks for
settings through signals.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from gradlab.core.config import ConfigError
from gradlab.core.splitting import ACCUM_SCALES, MAX_WORKERS, SplitSettings
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui import theme as th
from gradlab.ui.batches_parts import (
    BLOCK_COLOURS,
    GradBars,
    WorkerCard,
    check_text,
    indices,
    last_batch_rows,
    loss_boxes,
    page,
    pair,
    panel_values,
    stack_parts,
    three_losses,
)
from gradlab.ui.text import fmt
from gradlab.ui.text_panel import GrowingTextPanel, role_label, set_text

_SCALE_TEXTS = {"none": QT_TRANSLATE_NOOP("BatchesPanel", "none (add the losses)"),
                "1/K": QT_TRANSLATE_NOOP("BatchesPanel", "× 1/K"),
                "n/N": QT_TRANSLATE_NOOP("BatchesPanel", "× nᵢ/n (share of the samples)")}


def parse_sizes(text: str) -> tuple[int, ...] | None:
    """``"1, 3"`` -> (1, 3); empty -> None; ValueError naming what is wrong."""
    text = text.strip()
    if not text:
        return None
    try:
        return tuple(int(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise ValueError(text) from None


class BatchesPanel(GrowingTextPanel):
    """Gradient accumulation, data-parallel workers and the last batch (see module doc)."""

    #: the student chose a split (a SplitSettings; all None: one ordinary backward())
    split_requested = Signal(object)
    #: one more micro-batch's backward()
    backward_requested = Signal()
    #: take the step (optimizer.step() on what .grad holds)
    step_requested = Signal()
    #: the last batch part's drop_last switch
    drop_last_changed = Signal(bool)
    #: the workers' local reduction ("mean" or "sum": the lab's reduction)
    reduction_chosen = Signal(str)

    def __init__(self, theme: th.Theme = th.LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchesPanel")
        self.theme = theme
        self.split = SplitSettings()
        self.view: Any = None
        self._filling = False
        self.parts = QTabWidget()
        self.parts.setDocumentMode(True)
        pages = [QWidget(), QWidget(), QWidget()]
        for widget, title in zip(pages, (
                translate("BatchesPanel", "Gradient accumulation"),
                translate("BatchesPanel", "Data-parallel workers"),
                translate("BatchesPanel", "The last batch")), strict=True):
            self.parts.addTab(widget, title)
        self._accumulation_page(page(pages[0]))
        self._workers_page(page(pages[1]))
        self._last_page(page(pages[2]))
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.parts)
        self.set_theme(theme)

    # ---- building ----------------------------------------------------------------------------

    def _accumulation_page(self, inner: Any) -> None:
        self.accum_on = QCheckBox(translate("BatchesPanel", "Accumulate every step over "
                                            "micro-batches"))
        self.accum_k = QSpinBox()
        self.accum_k.setRange(1, 1_000_000)
        self.accum_k.setValue(2)
        self.accum_k.setPrefix("K = ")
        self.accum_sizes = QLineEdit()
        self.accum_sizes.setPlaceholderText(translate("BatchesPanel", "sizes, e.g. 1,3"))
        self.accum_sizes.setMinimumWidth(190)
        self.accum_sizes.setToolTip(translate("BatchesPanel", "Type the micro-batch sizes "
                                              "(they add up to the batch); empty: K equal sizes"))
        self.accum_scale = QComboBox()
        for name in ACCUM_SCALES:
            self.accum_scale.addItem(translate("BatchesPanel", _SCALE_TEXTS[name]), name)
        self.accum_scale.setCurrentIndex(ACCUM_SCALES.index("1/K"))
        self.forget = QCheckBox(translate("BatchesPanel", "forget zero_grad()"))
        self.forget.setToolTip(translate("BatchesPanel", "Never clear .grad: the previous step's "
                                         "gradient is carried into this one"))
        row, row2 = QHBoxLayout(), QHBoxLayout()  # two rows: nothing is cut off at 1920
        for widget in (self.accum_on, self.accum_k, self.accum_sizes):
            row.addWidget(widget)
        for widget in (self.accum_scale, self.forget):
            row2.addWidget(widget)
        row.addStretch(1)
        row2.addStretch(1)
        self.accum_on.toggled.connect(self._accum_changed)
        self.accum_k.valueChanged.connect(self._accum_changed)
        self.accum_sizes.editingFinished.connect(self._accum_changed)
        self.accum_scale.currentIndexChanged.connect(self._accum_changed)
        self.forget.toggled.connect(self._accum_changed)
        self.backward_button = QPushButton("backward()")
        self.backward_button.setToolTip(translate("BatchesPanel", "backward() on the next "
                                                  "micro-batch: its gradient is added to .grad"))
        self.backward_button.clicked.connect(self.backward_requested)
        self.step_button = QPushButton(translate("BatchesPanel", "Step: optimizer.step()"))
        self.step_button.setToolTip(translate("BatchesPanel", "Take the step: every micro-batch's "
                                              "backward(), then the optimizer on .grad"))
        self.step_button.clicked.connect(self.step_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backward_button)
        buttons.addWidget(self.step_button)
        buttons.addStretch(1)
        self.accum_title = role_label("title", wrap=True)
        self.accum_message = role_label("error", wrap=True)
        self.accum_message.setVisible(False)
        self.bars = GradBars(self.theme)
        self.micro_text = role_label("code", wrap=True)
        body = QHBoxLayout()
        body.addWidget(self.bars, 2)
        body.addWidget(self.micro_text, 3)
        self.accum_grad = role_label("grad_w", wrap=True)
        self.accum_full = role_label("grad_b", wrap=True)
        self.accum_check = role_label("relation", wrap=True)
        for item in (row, row2, self.accum_message, self.accum_title, buttons, body,
                     self.accum_grad, self.accum_full, self.accum_check):
            (inner.addLayout if isinstance(item, QHBoxLayout) else inner.addWidget)(item)
        inner.addStretch(1)

    def _workers_page(self, inner: Any) -> None:
        self.workers_on = QCheckBox(translate("BatchesPanel", "Train with data-parallel workers "
                                              "(DDP, gloo on 127.0.0.1)"))
        self.workers_w = QSpinBox()
        self.workers_w.setRange(1, MAX_WORKERS)
        self.workers_w.setValue(2)
        self.workers_w.setPrefix("W = ")
        self.shard_sizes = QLineEdit()
        self.shard_sizes.setPlaceholderText(translate("BatchesPanel", "shards, e.g. 1,3"))
        self.shard_sizes.setMinimumWidth(190)
        self.shard_sizes.setToolTip(translate("BatchesPanel", "Each worker's share of the batch; "
                                              "empty: even shards"))
        self.world_scale = QCheckBox(translate("BatchesPanel", "local loss × world size"))
        self.world_scale.setToolTip(translate("BatchesPanel", "The usual workaround for sum "
                                              "semantics: DDP averages, so multiply by W"))
        self.local_reduction = QComboBox()
        for name in ("mean", "sum"):
            self.local_reduction.addItem(translate("BatchesPanel", "local {reduction}").format(
                reduction=name), name)
        row, row2 = QHBoxLayout(), QHBoxLayout()
        for widget in (self.workers_on, self.workers_w):
            row.addWidget(widget)
        for widget in (self.shard_sizes, self.local_reduction, self.world_scale):
            row2.addWidget(widget)
        row.addStretch(1)
        row2.addStretch(1)
        self.workers_on.toggled.connect(self._workers_changed)
        self.workers_w.valueChanged.connect(self._workers_changed)
        self.shard_sizes.editingFinished.connect(self._workers_changed)
        self.world_scale.toggled.connect(self._workers_changed)
        self.local_reduction.currentIndexChanged.connect(self._reduction_changed)
        self.workers_step = QPushButton(translate("BatchesPanel", "Step through the workers"))
        self.workers_step.clicked.connect(self.step_requested)
        self.workers_status = role_label("small", wrap=True)
        self.workers_message = role_label("error", wrap=True)
        self.workers_message.setVisible(False)
        self.cards = [WorkerCard(r) for r in range(MAX_WORKERS)]
        cards = QHBoxLayout()
        for card in self.cards:
            cards.addWidget(card.frame, 1)
        self.workers_agree = role_label("small", wrap=True)
        self.workers_grad = role_label("grad_w", wrap=True)
        self.workers_full = role_label("grad_b", wrap=True)
        self.workers_check = role_label("relation", wrap=True)
        step_row = QHBoxLayout()
        step_row.addWidget(self.workers_step)
        step_row.addWidget(self.workers_status, 1)
        for item in (row, row2, self.workers_message, step_row, cards, self.workers_agree,
                     self.workers_grad, self.workers_full, self.workers_check):
            (inner.addLayout if isinstance(item, QHBoxLayout) else inner.addWidget)(item)
        inner.addStretch(1)

    def _last_page(self, inner: Any) -> None:
        self.drop_last = QCheckBox("drop_last")
        self.drop_last.setToolTip(translate("BatchesPanel", "Leave out the smaller last batch, "
                                            "as DataLoader(drop_last=True) does"))
        self.drop_last.toggled.connect(self.drop_last_changed)
        self.last_title = role_label("title", wrap=True)
        self.last_weight = role_label("relation", wrap=True)
        self.last_grid = QGridLayout()
        self.last_rows: list[QLabel] = []
        boxes = QHBoxLayout()
        self.last_boxes = loss_boxes(boxes)
        self.last_notes = role_label("small", wrap=True)
        inner.addWidget(self.drop_last)
        inner.addWidget(self.last_title)
        inner.addWidget(self.last_weight)
        inner.addLayout(self.last_grid)
        inner.addLayout(boxes)
        inner.addWidget(self.last_notes)
        inner.addStretch(1)

    # ---- settings out ------------------------------------------------------------------------

    def _accum_changed(self, *_: object) -> None:
        if self._filling:
            return
        if not self.accum_on.isChecked():
            if self.split.accumulating:
                self.split_requested.emit(SplitSettings())
            return
        try:
            sizes = parse_sizes(self.accum_sizes.text())
        except ValueError:
            self._refused(self.accum_message, "micro_sizes", self.accum_sizes.text())
            return
        self._request(self.accum_message, micro_sizes=sizes,
                      micro_batches=None if sizes else self.accum_k.value(),
                      accum_scale=self.accum_scale.currentData(),
                      forget_zero_grad=self.forget.isChecked())

    def _workers_changed(self, *_: object) -> None:
        if self._filling:
            return
        if not self.workers_on.isChecked():
            if self.split.parallel:
                self.split_requested.emit(SplitSettings())
            return
        try:
            sizes = parse_sizes(self.shard_sizes.text())
        except ValueError:
            self._refused(self.workers_message, "shard_sizes", self.shard_sizes.text())
            return
        self._request(self.workers_message, workers=len(sizes) if sizes else
                      self.workers_w.value(), shard_sizes=sizes,
                      ddp_loss_scale="world" if self.world_scale.isChecked() else "none")

    def _reduction_changed(self, *_: object) -> None:
        if not self._filling:
            self.reduction_chosen.emit(self.local_reduction.currentData())

    def _request(self, message: QLabel, **settings: Any) -> None:
        try:
            split = SplitSettings(**settings)
        except ConfigError as exc:
            self.show_message(str(exc), message)
            return
        message.setVisible(False)
        self.split_requested.emit(split)

    def _refused(self, label: QLabel, name: str, text: str) -> None:
        self.show_message(translate("BatchesPanel", "{name}: must be whole numbers separated by "
                                    "commas, got {text!r}").format(name=name, text=text), label)

    def show_message(self, text: object, label: QLabel | None = None) -> None:
        """A refused setting or a group that ended: said in the part it concerns."""
        if label is None:
            label = self.workers_message if self.split.parallel or \
                self.parts.currentIndex() == 1 else self.accum_message
        set_text(label, tr_message(text))
        label.setVisible(True)

    def show_progress(self, ready: int, world: int) -> None:
        """Workers starting (spawned ones import torch: seconds each)."""
        set_text(self.workers_status, translate(
            "BatchesPanel", "starting {w} workers: {r} ready…").format(w=world, r=ready))

    def set_split(self, split: SplitSettings) -> None:
        """The split in force (from the worker): the switches follow it."""
        self.split = split
        self._filling = True
        try:
            self.accum_on.setChecked(split.accumulating)
            if split.accumulating:
                if split.micro_batches is not None:
                    self.accum_k.setValue(split.micro_batches)
                self.accum_sizes.setText(",".join(map(str, split.micro_sizes or ())))
                self.accum_k.setEnabled(split.micro_sizes is None)  # typed sizes decide K
                if split.micro_sizes is not None:
                    self.accum_k.setValue(len(split.micro_sizes))
                self.accum_scale.setCurrentIndex(ACCUM_SCALES.index(split.accum_scale))
                self.forget.setChecked(split.forget_zero_grad)
                self.accum_message.setVisible(False)
            self.workers_on.setChecked(split.parallel)
            if split.parallel:
                self.workers_w.setValue(split.workers or 1)
                self.shard_sizes.setText(",".join(map(str, split.shard_sizes or ())))
                self.world_scale.setChecked(split.ddp_loss_scale == "world")
                self.workers_message.setVisible(False)
        finally:
            self._filling = False

    # ---- numbers in ----------------------------------------------------------------------------

    def show_batches(self, view: Any, reduction: str) -> None:
        """Show a BatchesView (computed in the worker) for a run with ``reduction``."""
        self.view = view
        if view.split != self.split:
            self.set_split(view.split)
        self._filling = True
        self.local_reduction.setCurrentIndex(1 if reduction == "sum" else 0)
        self.drop_last.setChecked(view.drop_last)
        self._filling = False
        self._show_accumulation(view.accumulation, reduction)
        self._show_workers(view.workers)
        self._show_last(view.last_batch)
        if view.message is not None:
            self.show_message(view.message, self.workers_message)
        for label in (self.accum_message, self.workers_message) if view.line_only else ():
            self.show_message(view.line_only, label)  # every part says why it is empty

    def _show_accumulation(self, accum: Any, reduction: str) -> None:
        on = accum is not None
        self.backward_button.setEnabled(on and accum.pressed < accum.k)
        self.step_button.setEnabled(on)
        if not on:
            set_text(self.accum_title, translate(
                "BatchesPanel", "Switch on micro-batches: the batch is split into K parts, each "
                "reduced with the lab's reduction, scaled, and given its own backward()."))
            for label in (self.micro_text, self.accum_grad, self.accum_full, self.accum_check):
                set_text(label, "")
            self.bars.show_blocks((0.0, 0.0), [], None)
            return
        k, pressed = accum.k, accum.pressed
        c = accum.comparison
        set_text(self.accum_title, translate(
            "BatchesPanel", "Step {step}: the batch {batch} in K = {k} micro-batches of {sizes}; "
            "backward() {pressed} of {k} done").format(
                step=accum.step_number, batch=indices(accum.batch, 12), k=k,
                sizes=", ".join(map(str, accum.sizes)), pressed=pressed))
        lines = []
        carried = (accum.carried_w, accum.carried_b)
        if any(carried):
            lines.append(translate("BatchesPanel", "■ carried from earlier steps: .grad = {g}")
                         .format(g=pair(*carried)))
        for j, m in enumerate(accum.micro):
            mark = f"<span style='color:{BLOCK_COLOURS[j % len(BLOCK_COLOURS)]}'>■</span>"
            done = j < pressed
            text = translate("BatchesPanel", "{j}. samples {samples}: {red}() = {loss} × {scale}"
                             ).format(j=j + 1, samples=indices(m.batch), red=reduction,
                                      loss=fmt(m.loss, 6), scale=fmt(m.scale, 6))
            if done:
                text += " → .grad += " + pair(m.grad_w, m.grad_b)
            lines.append(f"{mark} {text}" if done else f"<span style='color:gray'>{text}</span>")
        set_text(self.micro_text, "<br>".join(lines))
        total = (accum.micro[pressed - 1].total_w, accum.micro[pressed - 1].total_b) \
            if pressed else carried
        self.bars.show_blocks(carried, stack_parts(accum.micro, pressed),
                              (c.full_grad_w, c.full_grad_b))
        set_text(self.accum_grad, translate("BatchesPanel", ".grad now (w, b) = {g}").format(
            g=pair(*total)))
        set_text(self.accum_full, translate(
            "BatchesPanel", "- - - one backward() over the whole batch = {g}").format(
                g=pair(c.full_grad_w, c.full_grad_b)))
        set_text(self.accum_check, check_text(c) if pressed == k else translate(
            "BatchesPanel", "press backward() {n} more times to compare").format(n=k - pressed))

    def _show_workers(self, workers: Any) -> None:
        self.workers_step.setEnabled(workers is not None)
        if workers is None:
            set_text(self.workers_status, translate(
                "BatchesPanel", "Switch on workers: W processes join a gloo process group on "
                "127.0.0.1, each wraps the model in DistributedDataParallel."))
            for card in self.cards:
                card.frame.setVisible(False)
            for label in (self.workers_agree, self.workers_grad, self.workers_full,
                          self.workers_check):
                set_text(label, "")
            return
        last = workers.last
        set_text(self.workers_status, translate(
            "BatchesPanel", "{w} workers ready ({method}, started in {s} s)").format(
                w=workers.world_size, method=workers.start_method, s=fmt(workers.start_seconds, 2)))
        reports = last.workers if last is not None else [None] * workers.world_size
        for r, card in enumerate(self.cards):
            card.frame.setVisible(r < workers.world_size)
            if r < workers.world_size:
                pid = workers.pids[r] if r < len(workers.pids) else None
                card.show(reports[r], workers.next_sizes[r], pid,
                          BLOCK_COLOURS[r % len(BLOCK_COLOURS)])
        if last is None:
            set_text(self.workers_agree, translate(
                "BatchesPanel", "Press Step: every worker runs forward and backward on its "
                "shard; DDP's all-reduce averages the gradients."))
            for label in (self.workers_grad, self.workers_full, self.workers_check):
                set_text(label, "")
            return
        c = last.comparison
        set_text(self.workers_agree, translate(
            "BatchesPanel", "Step {step}: {agree}").format(
                step=last.step, agree=translate("BatchesPanel", "✓ every worker holds the "
                                                       "same .grad and the same w, b")
                if last.grads_agree and last.params_agree else
                translate("BatchesPanel", "✗ the workers' .grad or w, b differ")))
        set_text(self.workers_grad, translate("BatchesPanel", "all-reduced .grad (w, b) = {g}")
                 .format(g=pair(c.grad_w, c.grad_b)))
        set_text(self.workers_full, translate(
            "BatchesPanel", "single process, one backward() = {g}").format(
                g=pair(c.full_grad_w, c.full_grad_b)))
        set_text(self.workers_check, check_text(c))

    def _show_last(self, last: Any) -> None:
        if last is None:
            set_text(self.last_title, translate("BatchesPanel", "An epoch here has too many "
                                                "batches to replay (or no reduction is chosen)."))
            return
        set_text(self.last_title, translate(
            "BatchesPanel", "N = {n} samples in batches of B = {b}: {sizes}").format(
                n=last.n, b=last.batch_size, sizes=", ".join(map(str, last.sizes[:12]))
                + (" …" if len(last.sizes) > 12 else "")))
        if last.last_size != last.batch_size:
            text = translate("BatchesPanel", "Under mean, a sample of the last batch weighs "
                             "1/{bl} = {wl} in its batch's loss, a sample of a full batch "
                             "1/{b} = {wf}.").format(bl=last.last_size, wl=fmt(last.weight_last),
                                                     b=last.batch_size, wf=fmt(last.weight_full))
            if last.drop_last:
                text += " " + translate("BatchesPanel", "drop_last leaves out {d}: {samples}"
                                        ).format(d=last.dropped.size,
                                                 samples=indices(last.dropped))
        else:
            text = translate("BatchesPanel", "N is a multiple of B: every batch has {b} "
                             "samples.").format(b=last.batch_size)
        set_text(self.last_weight, text)
        last_batch_rows(self.last_grid, last, self.last_rows)
        for (title, value), (what, number) in zip(self.last_boxes, three_losses(last),
                                                  strict=True):
            set_text(title, what)
            set_text(value, number)
        set_text(self.last_notes, "<br>".join(tr_message(n) for n in last.notes))

    # ---- reading it back (tests) ---------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the tab shows, as text (tests read it)."""
        return panel_values(self)

    # ---- looks -------------------------------------------------------------------------------

    def set_theme(self, theme: th.Theme) -> None:
        self.theme = theme
        self._restyle()

    def _restyle(self) -> None:
        t, k = self.theme, self._scale

        def px(size: float) -> str:
            return f"{round(size * k)}px"

        self.bars.theme = t
        self.bars.setBackground(t.background)
        self.setStyleSheet(f"""
            QWidget#content {{ background: {t.background}; }}
            QLabel {{ color: {t.foreground}; font-size: {px(17)}; }}
            QLabel[role="title"] {{ font-size: {px(th.TITLE_PX + 1)}; font-weight: 600; }}
            QLabel[role="name"] {{ font-size: {px(19)}; font-weight: 700; }}
            QLabel[role="code"] {{ font-size: {px(17)}; }}
            QLabel[role="small"] {{ font-size: {px(16)}; }}
            QLabel[role="big"] {{ font-size: {px(19)}; font-weight: 700; color: {t.reduced}; }}
            QLabel[role="grad_w"] {{ font-size: {px(22)}; font-weight: 700; color: {t.grad_w}; }}
            QLabel[role="grad_b"] {{ font-size: {px(22)}; font-weight: 700; color: {t.grad_b}; }}
            QLabel[role="relation"] {{ font-size: {px(19)}; font-weight: 600; }}
            QLabel[role="error"] {{ font-size: {px(17)}; color: {t.banner_text};
                background: {t.banner_error}; padding: 8px; border-radius: 4px; }}
            QFrame#card {{ border: 2px solid {t.bars}; border-radius: 8px;
                background: {t.background}; }}
            QCheckBox, QPushButton, QComboBox, QSpinBox, QLineEdit {{ font-size: {px(16)}; }}
        """)
