"""The controls panel: every knob of a LabConfig, the speed, and Step / Run / Reset.

Each slider shows its value in a box you can also type into; each control carries a one-sentence
tooltip that explains the concept, and a longer "What's This?" text (Shift+F1, then click). The
panel only *describes* a config; the window sends it on.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gradlab.core.config import LOGISTIC_LOSSES, LOSSES, PRESETS, ConfigError, LabConfig
from gradlab.core.data import PRESET_INFO, make_preset
from gradlab.core.messages import error_message
from gradlab.i18n import tr_message, translate
from gradlab.ui.control_texts import (
    LOSS_LABELS,
    MODEL_LABELS,
    OPTIMIZER_LABELS,
    REDUCTION_LABELS,
    csv_label,
    preset_label,
    tip,
    whats_this,
)
from gradlab.ui.theme import THEME_LABELS
from gradlab.ui.value_slider import Scale, ValueSlider


def _fixed_size(preset: str) -> int:
    return len(make_preset(preset))


def _losses_of(model: str) -> tuple[str, ...]:
    return LOGISTIC_LOSSES if model == "logistic" else LOSSES


class ControlsPanel(QWidget):
    """Describes a LabConfig; ``config_edited`` carries the new one after every change."""

    config_edited = Signal(object)
    config_invalid = Signal(str)
    #: a typed or chosen value was taken: a refusal of an earlier one is out of date
    input_accepted = Signal()
    speed_changed = Signal(float)
    theme_chosen = Signal(str)

    def __init__(self, config: LabConfig, csv_size: int | None = None) -> None:
        super().__init__()
        self._base = config  # fields without a control (weights, source) come from here
        self._csv_size = csv_size
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        labels = self.labels()

        # Buttons first: they are what a lecturer reaches for.
        self.step_button = QPushButton(translate("Controls", "Step"))
        self.run_button = QPushButton(translate("Controls", "Run"))
        self.reset_button = QPushButton(translate("Controls", "Reset"))
        buttons = QHBoxLayout()
        for button, key in ((self.step_button, "step"), (self.run_button, "run"),
                            (self.reset_button, "reset")):
            button.setToolTip(tip(key))
            button.setWhatsThis(whats_this(key))
            button.setMinimumHeight(40)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            f = button.font()
            f.setBold(True)
            button.setFont(f)
            buttons.addWidget(button)
        outer.addLayout(buttons)
        self._build_knobs(outer, config, labels)
        self.set_config(config)
        self._connect(labels)

    def _build_knobs(self, outer: QVBoxLayout, config: LabConfig, labels: dict[str, str]) -> None:
        """The speed, then the Data, Model and loss, and Optimizer groups, then the theme."""
        self.speed = ValueSlider(Scale(1, 10_000, log=True, steps=80, inf_at_top=True), math.inf,
                                 tip("speed"), whats_this("speed"))
        outer.addLayout(self._form((labels["speed"], self.speed)))

        self.preset = QComboBox()
        for name in PRESETS:
            self.preset.addItem(preset_label(name), name)
        if config.preset == "csv":
            self.preset.addItem(csv_label(config.source), "csv")
        self.preset.setToolTip(tip("preset"))
        self.preset.setWhatsThis(whats_this("preset"))
        self.n = ValueSlider(Scale(2, 1_000_000, log=True, steps=120, integer=True), 50, tip("n"),
                             whats_this("n"))
        self.noise = ValueSlider(Scale(0.0, 5.0, steps=100), 0.5, tip("noise"),
                                 whats_this("noise"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 999_999)
        self.seed.setToolTip(tip("seed"))
        self.seed.setWhatsThis(whats_this("seed"))
        # "×2 the data": sum's learning-rate limit halves, mean's stays (issue 17)
        self.double_button = QPushButton(translate("Controls", "×2 the data"))
        self.double_button.setToolTip(translate(
            "Controls", "Duplicate every point: under sum the largest curvature doubles and the "
                        "learning-rate limit halves; under mean it stays where it is"))
        self.double_button.setWhatsThis(self.double_button.toolTip())
        data = self._group(translate("Controls", "Data"), (labels["preset"], self.preset),
                           (labels["n"], self.n), (labels["noise"], self.noise),
                           (labels["seed"], self.seed))
        data.layout().addRow(self.double_button)
        outer.addWidget(data)

        self.init_w = ValueSlider(Scale(-10.0, 10.0, steps=200), 0.0, tip("init_w"),
                                  whats_this("init_w"))
        self.init_b = ValueSlider(Scale(-10.0, 10.0, steps=200), 0.0, tip("init_b"),
                                  whats_this("init_b"))
        self.model = self._combo(MODEL_LABELS, "model")
        self.loss = self._combo(LOSS_LABELS, "loss")
        self.reduction = self._combo(REDUCTION_LABELS, "reduction")
        # cross-entropy's weight=, one per class (issue 19): mean divides by their sum
        self.class_w0, self.class_w1 = (
            ValueSlider(Scale(0.0, 10.0, steps=100), 1.0, tip("class_weights"),
                        whats_this("class_weights")) for _ in range(2))
        outer.addWidget(self._group(translate("Controls", "Model and loss"),
                                    (labels["model"], self.model),
                                    (labels["init_w"], self.init_w),
                                    (labels["init_b"], self.init_b), (labels["loss"], self.loss),
                                    (labels["reduction"], self.reduction),
                                    (labels["class_w0"], self.class_w0),
                                    (labels["class_w1"], self.class_w1)))

        self.optimizer = self._combo(OPTIMIZER_LABELS, "optimizer")
        self.momentum = ValueSlider(Scale(0.0, 0.99, steps=99), 0.9, tip("momentum"),
                                    whats_this("momentum"))
        self.lr = ValueSlider(Scale(1e-7, 10.0, log=True, steps=800), 0.01, tip("lr"),
                              whats_this("lr"))
        self.batch = ValueSlider(Scale(1, 4, integer=True, steps=3, all_at_top=True), 4,
                                 tip("batch"), whats_this("batch"))
        # The stability limit of the settings in force (ui/stability_display.py fills it in).
        self.lr_limit = QLabel()
        self.lr_limit.setWordWrap(True)
        self.lr_limit.hide()
        optimizer = self._group(translate("Controls", "Optimizer"),
                                (labels["optimizer"], self.optimizer),
                                (labels["momentum"], self.momentum), (labels["lr"], self.lr))
        optimizer.layout().addRow(self.lr_limit)
        optimizer.layout().addRow(self._form_label(labels["batch"], self.batch), self.batch)
        outer.addWidget(optimizer)

        self.theme_choice = self._combo(THEME_LABELS, "theme", theme=True)
        outer.addLayout(self._form((labels["theme"], self.theme_choice)))
        outer.addStretch(1)

    def _connect(self, labels: dict[str, str]) -> None:
        for slider in (self.n, self.noise, self.init_w, self.init_b, self.momentum, self.lr,
                       self.batch, self.class_w0, self.class_w1):
            slider.value_changed.connect(self._edited)
        self.model.currentIndexChanged.connect(self._model_chosen)
        for combo in (self.loss, self.reduction, self.optimizer):
            combo.currentIndexChanged.connect(self._edited)
        self.seed.valueChanged.connect(self._edited)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.speed.value_changed.connect(self._speed_moved)
        for slider, key in ((self.n, "n"), (self.noise, "noise"), (self.init_w, "init_w"),
                            (self.init_b, "init_b"), (self.momentum, "momentum"),
                            (self.lr, "lr"), (self.batch, "batch"), (self.speed, "speed"),
                            (self.class_w0, "class_w0"), (self.class_w1, "class_w1")):
            slider.value_refused.connect(
                lambda why, label=labels[key]: self.config_invalid.emit(
                    translate("Controls", "{label}: {reason}").format(label=label, reason=why)))
            slider.value_accepted.connect(self.input_accepted)
        self.theme_choice.currentIndexChanged.connect(self._theme_picked)

    # ---- building ----------------------------------------------------------------------------

    @staticmethod
    def labels() -> dict[str, str]:
        """The name of each control as its row shows it (and as a refused value names it)."""
        return {
            "speed": translate("Controls", "steps/s"), "preset": translate("Controls", "preset"),
            "n": translate("Controls", "N"), "noise": translate("Controls", "noise"),
            "seed": translate("Controls", "seed"), "init_w": translate("Controls", "initial w"),
            "init_b": translate("Controls", "initial b"), "loss": translate("Controls", "loss"),
            "reduction": translate("Controls", "reduction"),
            "optimizer": translate("Controls", "optimizer"),
            "momentum": translate("Controls", "momentum"),
            "lr": translate("Controls", "learning rate"),
            "batch": translate("Controls", "batch size"), "theme": translate("Controls", "theme"),
            "model": translate("Controls", "model"),
            "class_w0": translate("Controls", "weight of class 0"),
            "class_w1": translate("Controls", "weight of class 1"),
        }

    @staticmethod
    def _combo(labels: dict[str, str], key: str, theme: bool = False) -> QComboBox:
        combo = QComboBox()
        for name, label in labels.items():
            combo.addItem(translate("Theme", label) if theme else translate("Controls", label),
                          name)
        combo.setToolTip(tip(key))
        combo.setWhatsThis(whats_this(key))
        return combo

    @staticmethod
    def _form(*rows: tuple[str, QWidget]) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in rows:
            form.addRow(ControlsPanel._form_label(label, widget), widget)
        return form

    @staticmethod
    def _form_label(label: str, widget: QWidget) -> QLabel:
        lab = QLabel(label)
        lab.setToolTip(widget.toolTip())
        lab.setWhatsThis(widget.whatsThis())
        return lab

    def _group(self, title: str, *rows: tuple[str, QWidget]) -> QGroupBox:
        box = QGroupBox(title)
        box.setLayout(self._form(*rows))
        return box

    # ---- config <-> widgets ----------------------------------------------------------------

    def dataset_size(self, preset: str | None = None, n: float | None = None) -> int:
        preset = preset or self.preset.currentData()
        if preset == "csv":
            return self._csv_size or 1
        if PRESET_INFO[preset].default_n is None:
            return _fixed_size(preset)
        return int(n if n is not None else self.n.value())

    def _set_batch_scale(self, size: int, batch: int | None) -> None:
        log = size > 100
        steps = min(size - 1, 400) or 1
        scale = Scale(1, size, log=log, integer=True, steps=steps, all_at_top=True)
        self.batch.set_scale(scale, float(size if batch is None else min(batch, size)))

    def set_config(self, config: LabConfig, csv_size: int | None = None) -> None:
        """Show ``config`` without emitting anything (``csv_size``: a CSV was just loaded)."""
        if csv_size is not None:
            self._csv_size = csv_size
            label = csv_label(config.source)
            self.preset.blockSignals(True)
            index = self.preset.findData("csv")
            if index < 0:
                self.preset.addItem(label, "csv")
            else:
                self.preset.setItemText(index, label)
            self.preset.blockSignals(False)
        self.blockSignals(True)
        try:
            widgets = (self.preset, self.seed, self.loss, self.reduction, self.optimizer,
                       self.model)
            for w in widgets:
                w.blockSignals(True)
            self.preset.setCurrentIndex(self.preset.findData(config.preset))
            info = PRESET_INFO.get(config.preset)
            generated = info is not None and info.default_n is not None
            self.n.setEnabled(generated)
            noisy = generated and info.default_noise is not None  # separable: no noise
            self.noise.setEnabled(noisy)
            if generated:
                self.n.set_value(float(config.n_points or info.default_n))
            if noisy:
                noise = config.noise if config.noise is not None else info.default_noise
                self.noise.set_value(noise)
            self.seed.setValue(config.seed)
            self.init_w.set_value(config.init_w)
            self.init_b.set_value(config.init_b)
            self.model.setCurrentIndex(self.model.findData(config.model))
            self._fill_losses(config.model)
            self.loss.setCurrentIndex(self.loss.findData(config.loss))
            self._show_class_weights(config)
            self.reduction.setCurrentIndex(self.reduction.findData(config.reduction))
            self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))
            self.momentum.set_value(config.momentum)
            self.momentum.setEnabled(config.optimizer == "momentum")
            self.lr.set_value(config.lr)
            self._set_batch_scale(self.dataset_size(config.preset, config.n_points or None),
                                  config.batch_size)
            for w in widgets:
                w.blockSignals(False)
        finally:
            self.blockSignals(False)
        self._base = config

    def config(self) -> LabConfig:
        """The config the widgets describe; raises ConfigError if it is not valid."""
        preset = self.preset.currentData()
        info = PRESET_INFO.get(preset)
        generated = info is not None and info.default_n is not None
        size = self.dataset_size()
        batch = int(self.batch.value())
        return self._base.replace(
            preset=preset,
            n_points=int(self.n.value()) if generated else None,
            noise=float(self.noise.value()) if generated and info.default_noise is not None
            else None,
            seed=int(self.seed.value()),
            init_w=self.init_w.value(), init_b=self.init_b.value(),
            model=self.model.currentData(), class_weights=self._class_weights(),
            loss=self.loss.currentData(), reduction=self.reduction.currentData(),
            optimizer=self.optimizer.currentData(), momentum=self.momentum.value(),
            lr=self.lr.value(), batch_size=None if batch >= size else batch,
        )

    # ---- reactions ---------------------------------------------------------------------------

    def _preset_chosen(self) -> None:
        """A new preset brings its own sensible N, noise, learning rate and batch size."""
        preset = self.preset.currentData()
        info = PRESET_INFO.get(preset)
        if info is not None:
            loss = self._base.loss if info.model == self._base.model else \
                _losses_of(info.model)[0]
            base = self._base.replace(
                preset=preset, n_points=None, noise=None, lr=info.suggested_lr,
                batch_size=info.suggested_batch, weights=None, model=info.model, loss=loss,
                class_weights=None, sample_weights=None, pos_weight=None, ignore=(),
            )
        else:
            base = self._base.replace(preset=preset)
        self.set_config(base)
        self._edited()

    def _fill_losses(self, model: str) -> None:
        """The loss box lists the losses of ``model`` only (signals blocked by the caller)."""
        names = _losses_of(model)
        if [self.loss.itemData(i) for i in range(self.loss.count())] == list(names):
            return
        self.loss.clear()
        for name in names:
            self.loss.addItem(translate("Controls", LOSS_LABELS[name]), name)

    def _show_class_weights(self, config: LabConfig) -> None:
        weights = config.class_weights or (1.0, 1.0)
        on = config.model == "logistic" and config.loss == "cross-entropy"
        for slider, value in zip((self.class_w0, self.class_w1), weights, strict=True):
            slider.blockSignals(True)
            slider.set_value(value)
            slider.blockSignals(False)
            slider.setEnabled(on)

    def _class_weights(self) -> tuple[float, float] | None:
        """The two boxes' weights; None while they are 1, 1 and none were set (PyTorch's
        default: no weight=)."""
        if self.model.currentData() != "logistic" or self.loss.currentData() != "cross-entropy":
            return None
        weights = (self.class_w0.value(), self.class_w1.value())
        if weights == (1.0, 1.0) and self._base.class_weights is None:
            return None
        return weights

    def _model_chosen(self) -> None:
        """A new model brings its own loss box (the first of its losses)."""
        model = self.model.currentData()
        self.loss.blockSignals(True)
        self._fill_losses(model)
        self.loss.setCurrentIndex(0)
        self.loss.blockSignals(False)
        self._edited()

    def _edited(self, *_args: object) -> None:
        size = self.dataset_size()
        if int(self.batch.scale.hi) != size:  # N changed: the batch slider's range follows
            batch = int(self.batch.value())
            self._set_batch_scale(size, None if batch >= int(self.batch.scale.hi) else batch)
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        cross_entropy = self.loss.currentData() == "cross-entropy"
        self.class_w0.setEnabled(cross_entropy)
        self.class_w1.setEnabled(cross_entropy)
        try:
            config = self.config()
        except ConfigError as exc:
            self.set_config(self._base)  # refused: the controls show the settings in force
            self.config_invalid.emit(tr_message(error_message(exc)))
            return
        self._base = config
        self.input_accepted.emit()
        self.config_edited.emit(config)

    def _speed_moved(self, value: float) -> None:
        self.speed_changed.emit(value)

    def set_ready(self, ready: bool) -> None:
        for button in (self.step_button, self.run_button, self.reset_button, self.double_button):
            button.setEnabled(ready)

    def set_running(self, running: bool) -> None:
        self.run_button.setText(translate("Controls", "Pause") if running
                                else translate("Controls", "Run"))

    def set_theme_name(self, name: str) -> None:
        """Show ``name`` as the chosen theme without emitting ``theme_chosen``."""
        self.theme_choice.blockSignals(True)
        self.theme_choice.setCurrentIndex(max(0, self.theme_choice.findData(name)))
        self.theme_choice.blockSignals(False)

    def _theme_picked(self) -> None:
        self.theme_chosen.emit(self.theme_choice.currentData())

    def set_scale(self, scale: float) -> None:
        """Widths fixed in pixels follow the text size (the fonts follow the application's)."""
        for slider in self.findChildren(ValueSlider):
            slider.set_scale_factor(scale)
        for button in (self.step_button, self.run_button, self.reset_button):
            button.setMinimumHeight(round(40 * scale))
