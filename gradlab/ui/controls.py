"""The controls panel: every knob of a LabConfig, the speed, and Step / Run / Reset.

Each slider shows its value in a box you can also type into; each control carries a one-sentence
tooltip that explains the concept, and a longer "What's This?" text (Shift+F1, then click). The
panel only *describes* a config; the window sends it on.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gradlab.core.config import PRESETS, ConfigError, LabConfig
from gradlab.core.data import PRESET_INFO, make_preset
from gradlab.core.messages import error_message
from gradlab.i18n import QT_TRANSLATE_NOOP, tr_message, translate
from gradlab.ui.theme import THEME_LABELS

#: One-sentence tooltips (marked for translation; ``tip(key)`` gives them translated).
TIPS = {
    "preset": QT_TRANSLATE_NOOP(
        "Controls",
        "Which data to fit: each preset shows a different lesson (scale, outliers, noise, size)."),
    "n": QT_TRANSLATE_NOOP(
        "Controls",
        "How many samples the generated dataset has; a full-batch step costs more with more."),
    "noise": QT_TRANSLATE_NOOP(
        "Controls",
        "The spread of the random noise added to y, so the points are not exactly on a line."),
    "seed": QT_TRANSLATE_NOOP(
        "Controls",
        "Random seed for the generated data and the minibatch shuffle: the same seed gives the "
        "same run."),
    "lr": QT_TRANSLATE_NOOP(
        "Controls",
        "Learning rate: how far each step moves w and b against the gradient (new = old − lr · "
        "gradient)."),
    "batch": QT_TRANSLATE_NOOP(
        "Controls",
        "How many samples each step uses to estimate the gradient; all of them is a full-batch "
        "step."),
    "reduction": QT_TRANSLATE_NOOP(
        "Controls",
        "How the per-sample losses become the one number backward() needs: their mean, their "
        "sum, a weighted sum — or none, which PyTorch refuses."),
    "loss": QT_TRANSLATE_NOOP(
        "Controls",
        "How one sample's error is scored: squared (MSE), absolute (MAE), or Huber (squared when "
        "small, absolute when large)."),
    "optimizer": QT_TRANSLATE_NOOP(
        "Controls",
        "The update rule: plain SGD, SGD with momentum (keeps part of the previous update), or "
        "Adam (an adaptive step per parameter)."),
    "momentum": QT_TRANSLATE_NOOP(
        "Controls",
        "How much of the previous update momentum SGD carries into the next one (0.9 is "
        "typical)."),
    "init_w": QT_TRANSLATE_NOOP("Controls", "The slope w that training starts from after Reset."),
    "init_b": QT_TRANSLATE_NOOP(
        "Controls",
        "The intercept b that training starts from after Reset."),
    "speed": QT_TRANSLATE_NOOP(
        "Controls",
        "How many training steps per second Run takes; 'max' runs as fast as the computer can."),
    "step": QT_TRANSLATE_NOOP(
        "Controls",
        "Take one step: forward, per-sample losses, reduce, backward(), optimizer.step() "
        "(Space)."),
    "run": QT_TRANSLATE_NOOP("Controls", "Keep taking steps until paused (Enter)."),
    "reset": QT_TRANSLATE_NOOP(
        "Controls",
        "Back to step 0 with the initial w and b and a fresh optimizer (R)."),
    "theme": QT_TRANSLATE_NOOP(
        "Controls",
        "The colours: light, dark, or a high-contrast theme for a washed-out projector."),
}

#: The "What's This?" text of each control: what it is, and what to watch when you change it.
WHATS_THIS = {
    "preset": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Data.</b> The points the line is fitted to. <i>seed</i> is the article's four points "
        "(x = 1…4, y = 2x); <i>noisy-line</i> adds noise; <i>outlier</i> has one far-off point "
        "(compare MSE with MAE); <i>unscaled</i> has large x, so a learning rate that suits one "
        "parameter is far too large for the other; <i>large</i> has many samples, for "
        "minibatches."),
    "n": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>N</b>, the number of samples of a generated dataset. With mean the gradient does not "
        "grow with N; with sum it does, and the same learning rate can suddenly diverge."),
    "noise": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Noise.</b> The standard deviation of the Gaussian noise added to y. With noise the "
        "loss cannot reach zero: it levels off at the noise's own spread."),
    "seed": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Seed.</b> Makes the random parts repeatable: the generated data and the order in "
        "which minibatches are drawn. The same seed gives exactly the same run."),
    "lr": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Learning rate</b> (lr). Each step moves w and b by −lr × gradient. Too small and "
        "nothing seems to happen; too large and the loss jumps up and the run diverges."),
    "batch": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Batch size.</b> How many samples each step uses. All of them gives the exact "
        "gradient; fewer gives a cheaper, noisier estimate, drawn in a shuffled order each "
        "epoch."),
    "reduction": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Reduction.</b> The model produces one loss per sample, but backward() needs one "
        "number. <i>mean</i> divides the sum by the batch size, <i>sum</i> adds them up (a "
        "gradient B times larger), <i>weighted</i> is Σ vᵢ·lᵢ, i.e. loss.backward(gradient=v); "
        "with <i>none</i> PyTorch refuses."),
    "loss": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Loss.</b> How one sample's error r = ŷ − y is scored: MSE r² punishes big errors "
        "hard (an outlier pulls the line), MAE |r| treats them evenly, Huber is r²/2 near zero "
        "and |r| − ½ far out."),
    "optimizer": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Optimizer.</b> SGD steps by −lr × gradient. Momentum keeps a running sum of past "
        "steps, so it speeds up along a steady slope and overshoots. Adam scales each "
        "parameter's step by its own gradient history."),
    "momentum": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Momentum</b> μ: the fraction of the previous update carried into the next. 0 is "
        "plain SGD; 0.9 is typical; close to 1 the run swings for a long time."),
    "init_w": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Initial w.</b> The slope at step 0. Press Reset (R) to start again from it."),
    "init_b": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Initial b.</b> The intercept at step 0. Press Reset (R) to start again from it."),
    "speed": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Speed.</b> How many steps per second Run takes: slow enough to watch each step, or "
        "'max' to see where training ends up."),
    "step": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Step</b> (Space): one forward pass, the per-sample losses, the reduction to one "
        "number, backward(), then optimizer.step(). Every panel shows that step."),
    "run": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Run / Pause</b> (Enter): keep stepping at the chosen speed until paused, or until "
        "the run diverges."),
    "reset": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Reset</b> (R): back to step 0 with the initial w and b and a fresh optimizer; the "
        "data and settings stay."),
    "theme": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Theme.</b> Light for most screens, dark for a dim room, and Projector: black on "
        "white with strong colours, for a projector that washes colours out."),
}

#: Added to the "What's This?" text of every value box.
TYPE_HINT = QT_TRANSLATE_NOOP(
    "Controls",
    "Type a value in the box and press Enter; a value the control cannot take is refused.")


REDUCTION_LABELS = {"mean": QT_TRANSLATE_NOOP("Controls", "mean"),
                    "sum": QT_TRANSLATE_NOOP("Controls", "sum"),
                    "weighted": QT_TRANSLATE_NOOP("Controls", "weighted (v·l)"),
                    "none": QT_TRANSLATE_NOOP("Controls", "none")}
OPTIMIZER_LABELS = {"sgd": QT_TRANSLATE_NOOP("Controls", "SGD"),
                    "momentum": QT_TRANSLATE_NOOP("Controls", "SGD + momentum"),
                    "adam": QT_TRANSLATE_NOOP("Controls", "Adam")}
LOSS_LABELS = {"mse": QT_TRANSLATE_NOOP("Controls", "MSE (squared)"),
               "mae": QT_TRANSLATE_NOOP("Controls", "MAE (absolute)"),
               "huber": QT_TRANSLATE_NOOP("Controls", "Huber")}
#: The presets by the name --preset knows them by (a translation may add a word after it).
PRESET_LABELS = {"seed": QT_TRANSLATE_NOOP("Preset", "seed"),
                 "noisy-line": QT_TRANSLATE_NOOP("Preset", "noisy-line"),
                 "outlier": QT_TRANSLATE_NOOP("Preset", "outlier"),
                 "unscaled": QT_TRANSLATE_NOOP("Preset", "unscaled"),
                 "large": QT_TRANSLATE_NOOP("Preset", "large")}


def tip(key: str) -> str:
    """The tooltip of a control, in the current language."""
    return translate("Controls", TIPS[key])


def whats_this(key: str) -> str:
    return translate("Controls", WHATS_THIS[key])


def preset_label(name: str) -> str:
    return translate("Preset", PRESET_LABELS[name]) if name in PRESET_LABELS else name


def _csv_label(source: str) -> str:
    return translate("Controls", "csv: {source}").format(
        source=source or translate("Controls", "file"))


def _max_word() -> str:
    return translate("Controls", "max")


def _all_word() -> str:
    return translate("Controls", "all ({n})").split("{n}")[0].strip(" (（")


def _sig(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


class Scale:
    """Slider positions <-> values, and the text in the value box."""

    def __init__(self, lo: float, hi: float, *, log: bool = False, steps: int = 100,
                 integer: bool = False, inf_at_top: bool = False, all_at_top: bool = False) -> None:
        self.lo, self.hi, self.log, self.steps = lo, hi, log, steps
        self.integer, self.inf_at_top, self.all_at_top = integer, inf_at_top, all_at_top

    @property
    def top(self) -> int:
        return self.steps + (1 if self.inf_at_top else 0)

    def value(self, pos: int) -> float:
        if self.inf_at_top and pos > self.steps:
            return math.inf
        t = pos / self.steps
        if self.log:
            v = self.lo * (self.hi / self.lo) ** t
        else:
            v = self.lo + (self.hi - self.lo) * t
        if self.integer:
            return float(min(max(round(v), self.lo), self.hi))
        return _sig(v) if self.log else round(v, 6)

    def position(self, value: float) -> int:
        if math.isinf(value):
            return self.top
        v = min(max(value, self.lo), self.hi)
        if self.log:
            t = math.log(v / self.lo) / math.log(self.hi / self.lo) if self.hi > self.lo else 1.0
        else:
            t = (v - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 1.0
        return int(round(t * self.steps))

    def text(self, value: float) -> str:
        if math.isinf(value):
            return _max_word()
        if self.integer:
            text = f"{int(value):,}"
            if self.all_at_top and value >= self.hi:
                return translate("Controls", "all ({n})").format(n=text)
            return text
        return f"{value:.4g}"

    def rule(self) -> str:
        """What may be typed, for the message when something else is."""
        if self.integer:
            rule = translate("Controls", "a whole number from {lo} to {hi}").format(
                lo=f"{int(self.lo):,}", hi=f"{int(self.hi):,}")
        elif self.log:
            rule = translate("Controls", "a number greater than 0")
        else:
            rule = translate("Controls", "a finite number")
        if self.inf_at_top:
            rule = translate("Controls", "{rule} or '{word}'").format(rule=rule, word=_max_word())
        if self.all_at_top:
            rule = translate("Controls", "{rule} or '{word}'").format(rule=rule, word=_all_word())
        return rule

    def parse(self, text: str) -> float:
        t = text.strip().lower().replace(",", "").replace("−", "-")
        if self.inf_at_top and t in ("max", "inf", "∞", "unlimited", _max_word().lower()):
            return math.inf
        if self.all_at_top and (t.startswith("all") or t.startswith(_all_word().lower())):
            return self.hi
        value = float(t)
        if not math.isfinite(value):
            raise ValueError(text)
        if self.integer:
            if value != int(value) or not self.lo <= value <= self.hi:
                raise ValueError(text)
        elif self.log and value <= 0:
            raise ValueError(text)
        return value


class ValueSlider(QWidget):
    """A slider and a typeable box showing its value."""

    value_changed = Signal(float)
    #: typed text that is not a value of this control: why (the box shows the old value again)
    value_refused = Signal(str)

    #: Width of the value box and least width of the slider at text scale 1 (pixels).
    EDIT_WIDTH = 112
    SLIDER_WIDTH = 90

    def __init__(self, scale: Scale, value: float, tip: str, whats_this: str = "") -> None:
        super().__init__()
        self.scale = scale
        self._value = value
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, scale.top)
        self.slider.setMinimumWidth(self.SLIDER_WIDTH)
        self.edit = QLineEdit()
        self.edit.setFixedWidth(self.EDIT_WIDTH)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.edit)
        for widget in (self, self.slider, self.edit):
            widget.setToolTip(tip)
            widget.setWhatsThis(whats_this)
        hint = translate("Controls", TYPE_HINT)
        self.edit.setWhatsThis(f"{whats_this}<p>{hint}</p>")
        self.slider.valueChanged.connect(self._slid)
        self.edit.editingFinished.connect(self._typed)
        self.set_value(value)

    def value(self) -> float:
        return self._value

    def set_scale_factor(self, factor: float) -> None:
        """Text size changed: the value box keeps room for its longest value."""
        self.edit.setFixedWidth(round(self.EDIT_WIDTH * factor))
        self.slider.setMinimumWidth(round(self.SLIDER_WIDTH * factor))

    def set_value(self, value: float, emit: bool = False) -> None:
        self._value = value
        self.slider.blockSignals(True)
        self.slider.setValue(self.scale.position(value))
        self.slider.blockSignals(False)
        self.edit.setText(self.scale.text(value))
        if emit:
            self.value_changed.emit(value)

    def set_scale(self, scale: Scale, value: float) -> None:
        self.scale = scale
        self.slider.blockSignals(True)
        self.slider.setRange(0, scale.top)
        self.slider.blockSignals(False)
        self.set_value(value)

    def _slid(self, pos: int) -> None:
        value = self.scale.value(pos)
        if value != self._value:
            self.set_value(value, emit=True)

    def _typed(self) -> None:
        try:
            value = self.scale.parse(self.edit.text())
        except ValueError:
            typed = self.edit.text().strip()
            self.edit.setText(self.scale.text(self._value))  # refuse, show the current value
            self.value_refused.emit(translate(
                "Controls", "{typed!r} is not {rule}; it stays at {value}").format(
                    typed=typed[:20], rule=self.scale.rule(), value=self.scale.text(self._value)))
            return
        if value != self._value:
            self.set_value(value, emit=True)
        else:
            self.edit.setText(self.scale.text(value))


def _fixed_size(preset: str) -> int:
    return len(make_preset(preset))


class ControlsPanel(QWidget):
    """Describes a LabConfig; ``config_edited`` carries the new one after every change."""

    config_edited = Signal(object)
    config_invalid = Signal(str)
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
        self.speed = ValueSlider(Scale(1, 10_000, log=True, steps=80, inf_at_top=True), math.inf,
                                 tip("speed"), whats_this("speed"))
        outer.addLayout(self._form((labels["speed"], self.speed)))

        self.preset = QComboBox()
        for name in PRESETS:
            self.preset.addItem(preset_label(name), name)
        if config.preset == "csv":
            self.preset.addItem(_csv_label(config.source), "csv")
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
        outer.addWidget(self._group(translate("Controls", "Data"),
                                    (labels["preset"], self.preset), (labels["n"], self.n),
                                    (labels["noise"], self.noise), (labels["seed"], self.seed)))

        self.init_w = ValueSlider(Scale(-10.0, 10.0, steps=200), 0.0, tip("init_w"),
                                  whats_this("init_w"))
        self.init_b = ValueSlider(Scale(-10.0, 10.0, steps=200), 0.0, tip("init_b"),
                                  whats_this("init_b"))
        self.loss = self._combo(LOSS_LABELS, "loss")
        self.reduction = self._combo(REDUCTION_LABELS, "reduction")
        outer.addWidget(self._group(translate("Controls", "Model and loss"),
                                    (labels["init_w"], self.init_w),
                                    (labels["init_b"], self.init_b), (labels["loss"], self.loss),
                                    (labels["reduction"], self.reduction)))

        self.optimizer = self._combo(OPTIMIZER_LABELS, "optimizer")
        self.momentum = ValueSlider(Scale(0.0, 0.99, steps=99), 0.9, tip("momentum"),
                                    whats_this("momentum"))
        self.lr = ValueSlider(Scale(1e-7, 10.0, log=True, steps=800), 0.01, tip("lr"),
                              whats_this("lr"))
        self.batch = ValueSlider(Scale(1, 4, integer=True, steps=3, all_at_top=True), 4,
                                 tip("batch"), whats_this("batch"))
        outer.addWidget(self._group(translate("Controls", "Optimizer"),
                                    (labels["optimizer"], self.optimizer),
                                    (labels["momentum"], self.momentum), (labels["lr"], self.lr),
                                    (labels["batch"], self.batch)))

        self.theme_choice = self._combo(THEME_LABELS, "theme", theme=True)
        outer.addLayout(self._form((labels["theme"], self.theme_choice)))
        outer.addStretch(1)

        self.set_config(config)
        for slider in (self.n, self.noise, self.init_w, self.init_b, self.momentum, self.lr,
                       self.batch):
            slider.value_changed.connect(self._edited)
        for combo in (self.loss, self.reduction, self.optimizer):
            combo.currentIndexChanged.connect(self._edited)
        self.seed.valueChanged.connect(self._edited)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.speed.value_changed.connect(self._speed_moved)
        for slider, key in ((self.n, "n"), (self.noise, "noise"), (self.init_w, "init_w"),
                            (self.init_b, "init_b"), (self.momentum, "momentum"),
                            (self.lr, "lr"), (self.batch, "batch"), (self.speed, "speed")):
            slider.value_refused.connect(
                lambda why, label=labels[key]: self.config_invalid.emit(
                    translate("Controls", "{label}: {reason}").format(label=label, reason=why)))
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
            lab = QLabel(label)
            lab.setToolTip(widget.toolTip())
            lab.setWhatsThis(widget.whatsThis())
            form.addRow(lab, widget)
        return form

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
            label = _csv_label(config.source)
            self.preset.blockSignals(True)
            index = self.preset.findData("csv")
            if index < 0:
                self.preset.addItem(label, "csv")
            else:
                self.preset.setItemText(index, label)
            self.preset.blockSignals(False)
        self.blockSignals(True)
        try:
            widgets = (self.preset, self.seed, self.loss, self.reduction, self.optimizer)
            for w in widgets:
                w.blockSignals(True)
            self.preset.setCurrentIndex(self.preset.findData(config.preset))
            info = PRESET_INFO.get(config.preset)
            generated = info is not None and info.default_n is not None
            self.n.setEnabled(generated)
            self.noise.setEnabled(generated)
            if generated:
                self.n.set_value(float(config.n_points or info.default_n))
                noise = config.noise if config.noise is not None else info.default_noise
                self.noise.set_value(noise)
            self.seed.setValue(config.seed)
            self.init_w.set_value(config.init_w)
            self.init_b.set_value(config.init_b)
            self.loss.setCurrentIndex(self.loss.findData(config.loss))
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
            noise=float(self.noise.value()) if generated else None,
            seed=int(self.seed.value()),
            init_w=self.init_w.value(), init_b=self.init_b.value(),
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
            base = self._base.replace(
                preset=preset, n_points=None, noise=None, lr=info.suggested_lr,
                batch_size=info.suggested_batch, weights=None,
            )
        else:
            base = self._base.replace(preset=preset)
        self.set_config(base)
        self._edited()

    def _edited(self, *_args: object) -> None:
        size = self.dataset_size()
        if int(self.batch.scale.hi) != size:  # N changed: the batch slider's range follows
            batch = int(self.batch.value())
            self._set_batch_scale(size, None if batch >= int(self.batch.scale.hi) else batch)
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        try:
            config = self.config()
        except ConfigError as exc:
            self.set_config(self._base)  # refused: the controls show the settings in force
            self.config_invalid.emit(tr_message(error_message(exc)))
            return
        self._base = config
        self.config_edited.emit(config)

    def _speed_moved(self, value: float) -> None:
        self.speed_changed.emit(value)

    def set_ready(self, ready: bool) -> None:
        for button in (self.step_button, self.run_button, self.reset_button):
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
