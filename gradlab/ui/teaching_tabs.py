"""The teaching tabs: one tab per teaching panel, each panel built the first time its tab is
shown (start-up pays for none of them), and fed the TeachingViews the worker computes for the
tab on screen only."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui import theme as th
from gradlab.ui.text import fmt

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig
    from gradlab.views.teaching import TeachingView

#: name -> (tab title, tooltip, "module.Class" of its panel), in tab order
TEACHING_TABS = {
    "reduction": (QT_TRANSLATE_NOOP("MainWindow", "Reduction"),
                  QT_TRANSLATE_NOOP("MainWindow", "none, mean, sum and weighted side by side "
                                                  "for the current batch"),
                  "reduction_panel.ReductionPanel"),
    "chain_rule": (QT_TRANSLATE_NOOP("MainWindow", "Chain rule"),
                   QT_TRANSLATE_NOOP("MainWindow", "The derivation of this step's gradient, "
                                                   "by hand next to autograd"),
                   "chain_rule_panel.ChainRulePanel"),
    "graph": (QT_TRANSLATE_NOOP("MainWindow", "Autograd graph"),
              QT_TRANSLATE_NOOP("MainWindow", "The graph PyTorch builds for the loss; "
                                              "backward() walks it"),
              "graph_values_panel.ValuedGraphPanel"),
    "landscape": (QT_TRANSLATE_NOOP("MainWindow", "Landscape"),
                  QT_TRANSLATE_NOOP("MainWindow", "L(w, b) over the data, the path of (w, b) "
                                                  "and this step's arrow; click to start from "
                                                  "another point"),
                  "landscape_panel.LandscapePanel"),
    "per_sample": (QT_TRANSLATE_NOOP("MainWindow", "Per-sample"),
                   QT_TRANSLATE_NOOP("MainWindow", "Each sample's own gradient (torch.func), "
                                                   "clipping it, and the Jacobian behind "
                                                   "backward(gradient=v)"),
                   "per_sample_panel.PerSamplePanel"),
    "batches": (QT_TRANSLATE_NOOP("MainWindow", "Batches & workers"),
                QT_TRANSLATE_NOOP("MainWindow", "Where the mean is taken when the batch is "
                                                "split: micro-batches, DDP workers, the last "
                                                "batch"),
                "batches_panel.BatchesPanel"),
}


#: What a tab that knows only the line says under the logistic model (issue 19).
LINE_ONLY = QT_TRANSLATE_NOOP(
    "MainWindow", "This tab shows the line model only (y = w·x + b): switch the model to line "
                  "to use it. The Chain rule, Reduction, Autograd graph and Landscape tabs show "
                  "the logistic model.")


class TeachingTabs(QObject):
    """Adds the teaching tabs to ``tabs`` after the Training tab; ``panels`` holds the panels
    built so far (by name)."""

    def __init__(self, window: QMainWindow, tabs: QTabWidget) -> None:
        super().__init__(window)
        self.window = window
        self.lab = window.lab
        self.tabs = tabs
        self._line_only = False  # the per-sample tab says it shows the line model only
        self.panels: dict[str, Any] = {}
        self._pages: dict[str, QWidget] = {}
        self.names: dict[int, str] = {}  # tab index -> panel name
        for name, (title, tip, _) in TEACHING_TABS.items():
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[name] = page
            # "&" would be a mnemonic in a tab's title ("Batches & workers"): doubled, it shows
            index = tabs.addTab(page, translate("MainWindow", title).replace("&", "&&"))
            tabs.setTabToolTip(index, translate("MainWindow", tip))
            self.names[index] = name
        tabs.currentChanged.connect(self._tab_changed)
        self.lab.teaching_ready.connect(self.show_teaching)
        self.lab.generation_started.connect(self._new_generation)

    # ---- the panels ----------------------------------------------------------------------------

    def panel(self, name: str) -> Any:
        """The panel of ``name`` if it has been built, else None."""
        return self.panels.get(name)

    def built(self) -> list[QWidget]:
        return list(self.panels.values())

    def current(self) -> str | None:
        """The teaching panel on screen (None: the Training tab)."""
        return self.names.get(self.tabs.currentIndex())

    def show(self, name: str) -> None:
        for index, tab in self.names.items():
            if tab == name:
                self.tabs.setCurrentIndex(index)

    def _tab_changed(self, index: int) -> None:
        name = self.names.get(index)
        if name is not None:
            self._build(name)
        self.lab.set_teaching(frozenset() if name is None else frozenset({name}))

    def _build(self, name: str) -> None:
        if name in self.panels:
            return
        module, cls = TEACHING_TABS[name][2].split(".")
        panel_class = getattr(importlib.import_module(f"gradlab.ui.{module}"), cls)
        panel = self.panels[name] = panel_class(self.window.options.theme)
        if name == "reduction":
            panel.reduction_chosen.connect(self.choose_reduction)
            panel.weights_edited.connect(self.set_batch_weights)
            panel.backward_requested.connect(
                lambda: self.lab.set_teaching(frozenset({"reduction"})))
        elif name == "landscape":
            panel.start_point_chosen.connect(self.start_from)
            panel.range_requested.connect(self.lab.set_landscape_range)
        elif name == "per_sample":
            panel.options_changed.connect(self.lab.set_per_sample)
        elif name == "batches":
            self._wire_batches(panel)
        self._pages[name].layout().addWidget(panel)
        self.window.options.scaler.rescale([panel], th.FONT_SCALE)  # markers set from literals

    def _wire_batches(self, panel: Any) -> None:
        lab = self.lab
        panel.split_requested.connect(lab.set_split)
        panel.backward_requested.connect(lab.split_backward)
        panel.step_requested.connect(lambda: lab.step(1))
        panel.drop_last_changed.connect(lab.set_drop_last)
        panel.reduction_chosen.connect(self.choose_reduction)
        lab.split_changed.connect(panel.set_split)
        lab.split_failed.connect(panel.show_message)
        lab.split_progress.connect(panel.show_progress)
        panel.set_split(lab.split)

    # ---- what they show ------------------------------------------------------------------------

    def _new_generation(self, keep_history: bool) -> None:
        """A new run (not a rewind, which keeps its path): the landscape frames it afresh."""
        landscape = self.panels.get("landscape")
        if landscape is not None and not keep_history:
            landscape.new_run()

    def show_teaching(self, tv: TeachingView) -> None:
        """Put a TeachingView (computed in the worker) on the teaching panels."""
        cfg, p = tv.config, self.panels
        # The step these numbers are for: taken (on screen as step k), or the next one (a
        # preview, e.g. after a control change): the headers say which w, b and which step.
        taken = tv.step <= self.lab.run_step
        where = (translate("ReductionPanel", "at w = {w}, b = {b} (before step {step})") if taken
                 else translate("ReductionPanel", "at w = {w}, b = {b} (before step {step}, "
                                "not taken yet)")).format(w=fmt(tv.w), b=fmt(tv.b), step=tv.step)
        if tv.reductions is not None and "reduction" in p:
            p["reduction"].denominator = (tv.denominator, tv.denominator_text)
            p["reduction"].show_demo(tv.reductions, tv.batch.size, cfg.lr, cfg.reduction,
                                     tv.batch, run=tv.generation, where=where)
        if tv.chain_rule is not None and "chain_rule" in p:
            p["chain_rule"].denominator = (tv.denominator, tv.denominator_text)
            p["chain_rule"].show_chain_rule(tv.chain_rule, cfg.optimizer, tv.is_seed, tv.step,
                                            taken)
        if tv.batches is not None and "batches" in p:
            p["batches"].show_batches(tv.batches, cfg.reduction)
        if tv.graph is not None and "graph" in p:
            p["graph"].show_graph(tv.graph, cfg.reduction)
            p["graph"].show_values(tv.graph_values)
        if tv.per_sample is not None and "per_sample" in p:
            p["per_sample"].show_per_sample(tv.per_sample, where)
        line_only = cfg.model != "line"
        if "per_sample" in p and line_only != self._line_only:  # said plainly, not left empty
            self._line_only = line_only
            p["per_sample"].show_error(translate("MainWindow", LINE_ONLY) if line_only else "")
        if self.current() == "landscape" and "landscape" in p:
            if tv.landscape is not None:
                p["landscape"].show_grid(tv.landscape, cfg.loss, cfg.reduction)
            self.show_path()

    def show_path(self) -> None:
        """The landscape's path (start, then w and b after each step) and the step's arrow."""
        landscape = self.panels.get("landscape")
        if landscape is None:
            return
        config = self.lab.config
        buf = self.window.training.history_panel.buffer
        landscape.set_trajectory(np.concatenate(([config.init_w], buf.column("w"))),
                                 np.concatenate(([config.init_b], buf.column("b"))))
        shown = self.window.shown
        if shown is not None:
            r = shown.record
            landscape.set_step_arrow(r.w_before, r.b_before, -r.lr * r.grad_w, -r.lr * r.grad_b)

    # ---- choices made on a panel are the same as in the controls ------------------------------

    def apply_from_panel(self, config: LabConfig) -> None:
        """A choice made on a teaching panel is the same as making it in the controls."""
        self.window.controls.set_config(config)
        self.window.apply_config(config)

    def start_from(self, w: float, b: float) -> None:
        """A click on the landscape: start again (step 0) from (w, b)."""
        self.apply_from_panel(self.lab.config.replace(init_w=float(w), init_b=float(b)))

    def choose_reduction(self, reduction: str) -> None:
        self.apply_from_panel(self.lab.config.replace(reduction=reduction))

    def set_batch_weights(self, weights: tuple[float, ...]) -> None:
        """Typed weights for the batch on screen become the dataset's weights (the others keep
        theirs; the default is 1/B)."""
        tv, shown = self.lab.teaching, self.window.shown
        if tv is None or shown is None or len(weights) != tv.batch.size:
            return
        n = shown.view.layout.n
        current = self.lab.config.weights
        v = np.full(n, 1.0 / tv.batch.size) if current is None or len(current) != n \
            else np.array(current)
        v[tv.batch] = weights
        self.apply_from_panel(self.lab.config.replace(reduction="weighted",
                                                             weights=tuple(v.tolist())))
