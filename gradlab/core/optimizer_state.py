"""A trainer's optimizer state as JSON (for sessions) and the checks a loaded state must pass.

torch's ``Optimizer.load_state_dict`` trusts its input; a session file is not to be trusted.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from gradlab.core.config import LabConfig


def check_optimizer_state(
    loaded: torch.optim.Optimizer, fresh: torch.optim.Optimizer, config: LabConfig
) -> None:
    """Refuse optimizer state the config would not produce, before it can break or bend a step.

    torch's ``load_state_dict`` trusts its input: a stored weight decay would silently change the
    run and a wrongly shaped buffer would only fail at the next step.
    """
    where = "state.optimizer"
    if len(loaded.param_groups) != 1:
        raise ValueError(f"{where} must have exactly one parameter group")
    got, want = loaded.param_groups[0], fresh.param_groups[0]
    missing = object()
    for key in sorted(set(want) | set(got)):
        if key in ("params", "lr") or (key == "momentum" and config.optimizer == "momentum"):
            continue
        have, value = got.get(key, missing), want.get(key, missing)
        if have is missing or value is missing or to_jsonable(have) != to_jsonable(value):
            shown = "missing" if have is missing else repr(have)
            expected = "absent" if value is missing else repr(value)
            raise ValueError(f"{where}.param_groups.{key} is {shown}, expected {expected} "
                             f"for the {config.optimizer} optimizer")
    if config.optimizer == "momentum" and got.get("momentum") != config.momentum:
        raise ValueError(f"{where}: momentum {got.get('momentum')!r} differs from the config's "
                         f"{config.momentum!r}")
    allowed: dict[str, set[str]] = {
        "sgd": set(), "momentum": {"momentum_buffer"}, "adam": {"step", "exp_avg", "exp_avg_sq"}
    }
    params = loaded.param_groups[0]["params"]
    for key in loaded.state:  # torch keeps state of an id it has no parameter for
        if not any(key is p for p in params):
            raise ValueError(f"{where}.state has an entry for no parameter ({key!r:.40})")
    for p in params:
        entry = loaded.state.get(p, {})
        if not isinstance(entry, dict):
            raise ValueError(f"{where}.state of a parameter must be an object")
        for name, value in entry.items():
            if name not in allowed[config.optimizer]:
                raise ValueError(f"{where}.state has an unknown entry {name!r}")
            if not isinstance(value, torch.Tensor) or value.shape != p.shape:
                raise ValueError(f"{where}.state.{name} must be a scalar tensor")
            want_dtype = torch.float32 if name == "step" else p.dtype
            if value.dtype != want_dtype or not torch.isfinite(value).all():
                raise ValueError(f"{where}.state.{name} must be a finite {want_dtype} value")
            if name == "step" and (value < 0 or value != value.round()):
                raise ValueError(f"{where}.state.step must be a whole number >= 0")
            if name == "exp_avg_sq" and value < 0:
                raise ValueError(f"{where}.state.exp_avg_sq must be >= 0")
    if config.optimizer == "adam":
        present = [set(loaded.state.get(p, {})) for p in loaded.param_groups[0]["params"]]
        if any(s and s != allowed["adam"] for s in present):
            raise ValueError(f"{where}.state needs step, exp_avg and exp_avg_sq together")


_TENSOR = "__tensor__"


def finite_number(value: float) -> bool:
    """math.isfinite, also for a whole number beyond float's range (a file can hold one)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return {_TENSOR: obj.tolist(), "dtype": str(obj.dtype).removeprefix("torch.")}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def from_jsonable(obj: Any, key: str = "") -> Any:
    if isinstance(obj, dict):
        if _TENSOR in obj:
            dtype = getattr(torch, str(obj.get("dtype")), None)
            if not isinstance(dtype, torch.dtype):
                raise ValueError(f"unknown tensor dtype {obj.get('dtype')!r}")
            return torch.tensor(obj[_TENSOR], dtype=dtype)
        # torch keys the per-parameter state by integer ids
        out = {}
        for k, v in obj.items():
            out[int(k) if key == "state" else k] = from_jsonable(v, k)
        return out
    if isinstance(obj, list):
        return [from_jsonable(v) for v in obj]
    return obj
