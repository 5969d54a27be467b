"""The controls' words: tooltips, "What's This?" texts and the labels of their choices, marked
for translation (``tip(key)``, ``whats_this(key)`` give them translated)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gradlab.i18n import QT_TRANSLATE_NOOP, translate
from gradlab.ui.text import REDUCTION_TEXTS

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig

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
    "model": QT_TRANSLATE_NOOP(
        "Controls",
        "The model over the same w and b: a line y = w·x + b (regression), or p = σ(w·x + b) "
        "for labels 0/1 (logistic regression, classification)."),
    "class_weights": QT_TRANSLATE_NOOP(
        "Controls",
        "Cross-entropy's weight= per class: mean then divides by the sum of the weights of the "
        "batch's classes, not by the batch size."),
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
    "model": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Model.</b> <i>line</i> fits y = w·x + b with MSE, MAE or Huber. <i>logistic</i> "
        "fits p = σ(w·x + b) to labels 0 and 1 with BCE or cross-entropy; the same two "
        "parameters, so the landscape stays a map over (w, b)."),
    "class_weights": QT_TRANSLATE_NOOP(
        "Controls",
        "<b>Class weights</b> (cross-entropy's weight=). Each sample's loss is multiplied by "
        "its class's weight, and mean divides by the sum of those weights over the batch "
        "(PyTorch's rule), not by the batch size."),
}

#: Added to the "What's This?" text of every value box.
TYPE_HINT = QT_TRANSLATE_NOOP(
    "Controls",
    "Type a value in the box and press Enter; a value the control cannot take is refused.")


REDUCTION_LABELS = {name: labels[1] for name, labels in REDUCTION_TEXTS.items()}
OPTIMIZER_LABELS = {"sgd": QT_TRANSLATE_NOOP("Controls", "SGD"),
                    "momentum": QT_TRANSLATE_NOOP("Controls", "SGD + momentum"),
                    "adam": QT_TRANSLATE_NOOP("Controls", "Adam")}
LOSS_LABELS = {"mse": QT_TRANSLATE_NOOP("Controls", "MSE (squared)"),
               "mae": QT_TRANSLATE_NOOP("Controls", "MAE (absolute)"),
               "huber": QT_TRANSLATE_NOOP("Controls", "Huber"),
               "bce": QT_TRANSLATE_NOOP("Controls", "BCE (with logits)"),
               "cross-entropy": QT_TRANSLATE_NOOP("Controls", "cross-entropy")}
MODEL_LABELS = {"line": QT_TRANSLATE_NOOP("Controls", "line (regression)"),
                "logistic": QT_TRANSLATE_NOOP("Controls", "logistic (classification)")}
#: The presets by the name --preset knows them by (a translation may add a word after it).
PRESET_LABELS = {"seed": QT_TRANSLATE_NOOP("Preset", "seed"),
                 "noisy-line": QT_TRANSLATE_NOOP("Preset", "noisy-line"),
                 "outlier": QT_TRANSLATE_NOOP("Preset", "outlier"),
                 "unscaled": QT_TRANSLATE_NOOP("Preset", "unscaled"),
                 "large": QT_TRANSLATE_NOOP("Preset", "large"),
                 "pass-fail": QT_TRANSLATE_NOOP("Preset", "pass-fail"),
                 "separable": QT_TRANSLATE_NOOP("Preset", "separable"),
                 "imbalanced": QT_TRANSLATE_NOOP("Preset", "imbalanced")}


def tip(key: str) -> str:
    """The tooltip of a control, in the current language."""
    return translate("Controls", TIPS[key])


def whats_this(key: str) -> str:
    return translate("Controls", WHATS_THIS[key])


def preset_label(name: str) -> str:
    return translate("Preset", PRESET_LABELS[name]) if name in PRESET_LABELS else name


# How the worker names a preset's data once a point was moved, added or removed by hand.
EDITED = " (edited)"


def edited_preset(source: str | None) -> str | None:
    """The preset whose points were edited by hand if ``source`` says so ("seed (edited)"),
    else None."""
    if source and source.endswith(EDITED) and source[:-len(EDITED)] in PRESET_LABELS:
        return source[:-len(EDITED)]
    return None


def csv_label(source: str) -> str:
    """The preset box's name for data that is no preset: a CSV file, or a preset edited by hand
    (which is no CSV: "seed (edited)", not "csv: seed (edited)")."""
    preset = edited_preset(source)
    if preset is not None:
        return translate("Controls", "{preset} (edited)").format(preset=preset_label(preset))
    return translate("Controls", "csv: {source}").format(
        source=source or translate("Controls", "file"))


def data_label(config: LabConfig) -> str:
    """What the run's data is called (the window's title): a preset, a preset edited by hand,
    or a CSV file's name."""
    if config.preset != "csv":
        return preset_label(config.preset)
    if edited_preset(config.source) is not None:
        return csv_label(config.source)
    return Path(config.source).name if config.source else translate("Controls", "file")


def max_word() -> str:
    return translate("Controls", "max")


def all_word() -> str:
    return translate("Controls", "all ({n})").split("{n}")[0].strip(" (（")
