"""The plain PyTorch script equivalent to a lab setup ("Show the code", ``--export-code``).

The script is written for a student to read, yet it must reproduce the trainer bit-for-bit: it
uses the same float64 tensors, the same loss expressions in the same order, the same reduction
call, the same ``torch.optim`` class and the same seeded shuffle as ``Trainer``. No torch here:
the text is generated from the config alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from gradlab.core.config import HUBER_DELTA, LabConfig
from gradlab.core.data import PRESET_INFO, Dataset, make_preset

#: Above this many samples an unedited generated preset is rebuilt by its numpy code in the
#: script instead of being inlined (the 10^6-point preset would be a 40 MB script).
INLINE_LIMIT = 1000

# The lines of ``data.make_preset`` for each generated preset (a test runs them against it).
_GENERATORS = {
    "noisy-line": ["x_np = rng.uniform(-3.0, 3.0, n)",
                   "y_np = 2.0 * x_np + 1.0 + rng.normal(0.0, noise, n)"],
    "large": ["x_np = rng.uniform(-3.0, 3.0, n)",
              "y_np = 2.0 * x_np + 1.0 + rng.normal(0.0, noise, n)"],
    "outlier": ["x_np = np.linspace(0.0, 5.0, n)",
                "y_np = 2.0 * x_np + 1.0 + rng.normal(0.0, noise, n)",
                "y_np[int(n * 0.75)] += 40.0  # one far outlier"],
    "unscaled": ["x_np = rng.uniform(100.0, 500.0, n)",
                 "y_np = 0.5 * x_np + 3.0 + rng.normal(0.0, noise, n)"],
}

_PER_SAMPLE = {
    "mse": "(w * xb + b - yb) ** 2",
    "mae": "(w * xb + b - yb).abs()",
    "huber": f"F.huber_loss(w * xb + b, yb, reduction=\"none\", delta={HUBER_DELTA!r})",
}


def _floats(values: Sequence[float], indent: str = "    ", per_line: int = 4) -> str:
    """A list literal of repr floats (exact round trip), wrapped for reading."""
    items = [repr(float(v)) for v in values]
    rows = [", ".join(items[k:k + per_line]) for k in range(0, len(items), per_line)]
    return "[\n" + "".join(f"{indent}{row},\n" for row in rows) + "]"


def _optimizer(config: LabConfig) -> str:
    lr = repr(config.lr)
    if config.optimizer == "sgd":
        return f"torch.optim.SGD([w, b], lr={lr})"
    if config.optimizer == "momentum":
        return f"torch.optim.SGD([w, b], lr={lr}, momentum={config.momentum!r})"
    return f"torch.optim.Adam([w, b], lr={lr})"


def _reduction(config: LabConfig) -> list[str]:
    red = config.reduction
    if red == "mean":
        return ["    loss = per_sample_loss.mean()  # reduce to one number: weights 1/B",
                "    loss.backward()"]
    if red == "sum":
        return ["    loss = per_sample_loss.sum()  # reduce to one number: weights 1",
                "    loss.backward()"]
    if red == "weighted":
        pick = ("    vb = torch.full((len(index),), 1.0 / len(index), dtype=torch.float64)"
                if config.weights is None else "    vb = v if batch_size == N else v[index]")
        return [pick,
                "    # A weighted sum: backward(gradient=v) is the gradient of sum(v * loss).",
                "    per_sample_loss.backward(gradient=vb)"]
    return ["    # No reduction: the loss is a vector of shape (B,) and backward() needs a scalar.",
            "    # This line raises PyTorch's RuntimeError: grad can be implicitly created only",
            "    # for scalar outputs. Use .mean(), .sum() or backward(gradient=v) instead.",
            "    per_sample_loss.backward()"]


def _logistic_setup(config: LabConfig) -> list[str]:
    """The logistic loss's weights and ignored samples as tensors (only what its loss reads)."""
    lines = []
    if config.loss == "bce":
        if config.sample_weights is not None:
            lines.append(f"sample_weight = torch.tensor({_floats(config.sample_weights)}, "
                         "dtype=torch.float64)  # BCE's weight=: one per sample")
        if config.pos_weight is not None:
            lines.append(f"pos_weight = torch.tensor({config.pos_weight!r}, dtype=torch.float64)")
        return lines
    if config.class_weights is not None:
        lines.append(f"class_weight = torch.tensor({list(config.class_weights)!r}, "
                     "dtype=torch.float64)  # cross-entropy's weight=: one per class")
    if config.ignore:
        lines += ["ignored = torch.zeros(len(x), dtype=torch.bool)  # the samples ignore_index "
                  "leaves out",
                  f"ignored[{list(config.ignore)!r}] = True"]
    return lines


def _logistic_loss(config: LabConfig, reduction: str) -> list[str]:
    """The step's loss: PyTorch's own function, the way the lab calls it."""
    pick = "t"
    if config.loss == "bce":
        args = ["z", "yb"]
        if config.sample_weights is not None:
            args.append(f"weight=sample_weight[{pick}]")
        if config.pos_weight is not None:
            args.append("pos_weight=pos_weight")
        return [f"    loss = F.binary_cross_entropy_with_logits({', '.join(args)}, "
                f"reduction={reduction!r})"]
    lines = ["    logits = torch.stack((torch.zeros_like(z), z), dim=1)  # [0, z]: softmax "
             "gives sigmoid(z)",
             "    target = yb.to(torch.int64)"]
    if config.ignore:
        lines.append(f"    target = target.masked_fill(ignored[{pick}], -100)  # ignore_index")
    weight = ", weight=class_weight" if config.class_weights is not None else ""
    return lines + [f"    loss = F.cross_entropy(logits, target{weight}, ignore_index=-100, "
                    f"reduction={reduction!r})"]


def _logistic_step(config: LabConfig) -> list[str]:
    """Forward, reduce and backward of the logistic model; an empty mean (every sample ignored)
    is NaN and skips the step, as in the lab."""
    red = config.reduction
    lines = ["    t = torch.from_numpy(index)",
             "    z = w * xb + b  # the logits: p = sigmoid(z)"]
    if red in ("mean", "sum"):
        lines += [*_logistic_loss(config, red), "    loss.backward()"]
        if red == "mean" and config.loss == "cross-entropy":
            lines += ["    if loss.isnan():  # every sample ignored: the mean of nothing is NaN",
                      "        continue  # ... and the lab skips the step (nothing changes)"]
        return lines
    lines += [line.replace("    loss =", "    per_sample_loss =")
              for line in _logistic_loss(config, "none")]
    return lines + _reduction(config)


def _data_lines(config: LabConfig, dataset: Dataset) -> list[str]:
    """Inline the data exactly, or, for a large unedited preset, the numpy code that makes it."""
    preset = config.preset
    if len(dataset) > INLINE_LIMIT and preset in _GENERATORS:
        info = PRESET_INFO[preset]
        n = info.default_n if config.n_points is None else config.n_points
        noise = info.default_noise if config.noise is None else config.noise
        if dataset == make_preset(preset, n, noise, config.seed):
            return [
                f"# The lab's '{preset}' preset: {n} points, made by the same seeded numpy code.",
                f"n, noise = {n}, {float(noise)!r}",  # type: ignore[arg-type]
                f"rng = np.random.default_rng([{config.seed}, 7919])",
                *_GENERATORS[preset],
                "x = torch.tensor(x_np, dtype=torch.float64)",
                "y = torch.tensor(y_np, dtype=torch.float64)",
            ]
    return [
        f"x = torch.tensor({_floats(dataset.x.tolist())}, dtype=torch.float64)",
        f"y = torch.tensor({_floats(dataset.y.tolist())}, dtype=torch.float64)",
    ]


def _run_lines(config: LabConfig, n: int, steps: int) -> list[str]:
    """The weights, parameters, optimizer and training loop of one run (data already defined)."""
    lines = _logistic_setup(config) if config.model == "logistic" else []
    if config.reduction == "weighted" and config.weights is not None:
        lines.append(f"v = torch.tensor({_floats(config.weights)}, dtype=torch.float64)  "
                     "# one weight per sample")
    return lines + [
        f"w = torch.tensor({config.init_w!r}, dtype=torch.float64, requires_grad=True)",
        f"b = torch.tensor({config.init_b!r}, dtype=torch.float64, requires_grad=True)",
        f"optimizer = {_optimizer(config)}",
        "",
        "N = len(x)",
        f"batch_size = {config.effective_batch_size(n)}",
        f"seed = {config.seed}",
        f"steps = {steps}",
        "epoch, position = 0, 0",
        "",
        "for step in range(steps):",
        "    if batch_size == N:",
        "        index = np.arange(N)",
        "    else:  # the next slice of this epoch's seeded shuffle; the last batch may be smaller",
        "        order = np.random.default_rng([seed, epoch]).permutation(N)",
        "        index = order[position:position + batch_size]",
        "        position += len(index)",
        "        if position >= N:",
        "            epoch, position = epoch + 1, 0",
        "    xb, yb = x[torch.from_numpy(index)], y[torch.from_numpy(index)]",
        "",
        "    optimizer.zero_grad()",
        *(_logistic_step(config) if config.model == "logistic" else [
            f"    per_sample_loss = {_PER_SAMPLE[config.loss]}  # shape (B,): one loss per sample",
            *_reduction(config)]),
        "    optimizer.step()",
    ]


def _check_steps(steps: int) -> None:
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")


def _imports(configs: Sequence[LabConfig]) -> list[str]:
    lines = ["import numpy as np", "import torch"]
    if any(c.loss == "huber" or c.model == "logistic" for c in configs):
        lines.append("import torch.nn.functional as F")
    return lines


#: What the docstring says when the caller does not say otherwise (a run replayed exactly).
SAME_AS_THE_LAB = "It prints the same w and b as the lab after the same steps."


def _docstring_text(text: str) -> list[str]:
    """``text`` as docstring lines: wrapped, and unable to end the docstring early."""
    safe = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return textwrap.wrap(safe, width=95, break_long_words=False, break_on_hyphens=False)


def generate_script(config: LabConfig, dataset: Dataset, steps: int,
                    note: str | None = None) -> str:
    """A runnable script that takes ``steps`` steps of ``config`` on ``dataset`` from the start
    and prints the final ``w`` and ``b`` with ``repr`` (the exact floats the lab shows).

    ``note`` is what the docstring says about where the script ends: by default that it prints
    the lab's w and b; the window passes the words of its "Show the code" dialog, which say when
    the run's settings changed and the script will not end where the lab is (the file then says
    what the dialog says)."""
    _check_steps(steps)
    config.check_against(len(dataset))
    n = len(dataset)
    bs = config.effective_batch_size(n)
    batch_text = "the whole dataset" if bs == n else f"minibatches of {bs}"
    lines = [
        f'"""gradlab as plain PyTorch: {dataset.name} ({n} samples), '
        f"{'logistic model, ' if config.model == 'logistic' else ''}{config.loss} loss, "
        f"{config.reduction} reduction,",
        f"{config.optimizer} with lr {config.lr!r}, {batch_text}, seed {config.seed}, "
        f"{steps} steps.",
        "",
        *_docstring_text("Generated by gradlab. " + (SAME_AS_THE_LAB if note is None else note)),
        '"""',
        "",
        *_imports([config]),
        "",
        *_data_lines(config, dataset),
        "",
        *_run_lines(config, n, steps),
        "",
        'print("w =", repr(w.item()))',
        'print("b =", repr(b.item()))',
        "",
    ]
    return "\n".join(lines)


def generate_comparison_script(runs: Sequence[tuple[str, LabConfig, int]],
                               dataset: Dataset) -> str:
    """A runnable script for runs side by side: ``runs`` are (label, config, steps), the main run
    first. It trains each run in turn from the same start on the same data and prints each one's
    label, ``w`` and ``b`` with ``repr`` (a run that diverged is replayed up to its last finite
    step, the parameters the lab keeps)."""
    if not runs:
        raise ValueError("a comparison needs at least one run")
    n = len(dataset)
    for _, config, steps in runs:
        _check_steps(steps)
        config.check_against(n)
    main = runs[0][1]
    lines = [
        f'"""gradlab as plain PyTorch: {len(runs)} runs side by side on {dataset.name} '
        f"({n} samples), from w = {main.init_w!r}, b = {main.init_b!r}.",
        "",
        "Generated by gradlab. Each run is its own model and optimizer; the script prints the",
        "same w and b for each run as the lab after the same steps.",
        '"""',
        "",
        *_imports([c for _, c, _ in runs]),
        "",
        *_data_lines(main, dataset),
    ]
    for k, (name, config, steps) in enumerate(runs, start=1):
        lines += [
            "",
            f"# ---- run {k}: {name}: {config.loss} loss, {config.reduction} reduction, "
            f"{config.optimizer}, lr {config.lr!r} ----",
            *_run_lines(config, n, steps),
            "",
            f"print({name!r}, \"w =\", repr(w.item()), \"b =\", repr(b.item()))",
        ]
    return "\n".join(lines) + "\n"
