"""What the reliability suite tried, for its summary (printed at the end of the run).

Tests call ``tried(kind)`` for every bad input they feed the lab, ``fault(name)`` for every
fault they inject, ``soak(...)`` for a long run and ``timing(name, seconds)`` for a measured
time. The figures are printed in pytest's terminal summary and, if ``GRADLAB_RELIABILITY_REPORT``
names a file, written there as JSON.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

#: Bad inputs by kind, e.g. "csv: thousands separators" -> examples tried.
inputs: Counter[str] = Counter()
#: Faults injected by name -> times.
faults: Counter[str] = Counter()
#: Long runs: (description, steps, seconds, resident-memory growth in MB or None).
soaks: list[tuple[str, int, float, float | None]] = []
#: Measured times (seconds) by name, e.g. "close while running".
timings: dict[str, list[float]] = {}

#: ``GRADLAB_FUZZ=deep`` runs many more, random (not derandomized) examples.
DEEP = os.environ.get("GRADLAB_FUZZ") == "deep"


def fuzz(max_examples: int) -> settings:
    """Hypothesis settings for the suite: bounded, no deadline, derandomized for CI, no database
    (the run leaves no files behind)."""
    return settings(
        max_examples=max_examples * (20 if DEEP else 1), deadline=None, derandomize=not DEEP,
        database=None, print_blob=DEEP,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture],
    )


def tried(kind: str, n: int = 1) -> None:
    inputs[kind] += n


def fault(name: str) -> None:
    faults[name] += 1


def soak(description: str, steps: int, seconds: float, rss_growth_mb: float | None) -> None:
    soaks.append((description, steps, seconds, rss_growth_mb))


def timing(name: str, seconds: float) -> None:
    timings.setdefault(name, []).append(seconds)


def report(failed: int, passed: int) -> dict:
    """The summary as a JSON-able dict."""
    bad = {kind: n for kind, n in inputs.items() if not kind.startswith("load:")}
    load = {kind: n for kind, n in inputs.items() if kind.startswith("load:")}
    families = Counter(kind.split(":", 1)[0] for kind in bad)
    longest = max(soaks, key=lambda s: s[1], default=None)
    return {
        "bad_inputs_tried": sum(bad.values()),
        "kinds_of_bad_input": len(bad),
        "kinds_by_family": dict(sorted(families.items())),
        "inputs": dict(sorted(bad.items())),
        "load": dict(sorted(load.items())),
        "faults_injected": sum(faults.values()),
        "faults": dict(sorted(faults.items())),
        "soaks": [{"run": d, "steps": s, "seconds": round(t, 2),
                   "rss_growth_mb": None if m is None else round(m, 1)} for d, s, t, m in soaks],
        "longest_soak_steps": 0 if longest is None else longest[1],
        "timings_s": {k: [round(v, 3) for v in vs] for k, vs in sorted(timings.items())},
        "tests_passed": passed,
        "tests_failed": failed,
        "nothing_lost_no_crash": failed == 0 and passed > 0,
    }


def lines(summary: dict) -> list[str]:
    """The summary as text for the terminal."""
    out = [
        f"bad inputs tried: {summary['bad_inputs_tried']:,} of {summary['kinds_of_bad_input']} "
        f"kinds ({', '.join(f'{k} {v}' for k, v in summary['kinds_by_family'].items())})",
        *(f"load: {kind.split(':', 1)[1].strip()}" for kind in summary["load"]),
        f"faults injected: {summary['faults_injected']} "
        f"({', '.join(f'{k} ×{v}' for k, v in summary['faults'].items()) or 'none'})",
    ]
    for soak_run in summary["soaks"]:
        growth = soak_run["rss_growth_mb"]
        out.append(f"soak: {soak_run['run']}: {soak_run['steps']:,} steps in "
                   f"{soak_run['seconds']:.1f} s"
                   + ("" if growth is None else f", resident memory {growth:+.1f} MB"))
    if summary["soaks"]:
        out.append(f"longest soak: {summary['longest_soak_steps']:,} steps (10^6 steps: "
                   "python tests/benchmarks/soak.py)")
    for name, values in summary["timings_s"].items():
        out.append(f"time: {name}: " + ", ".join(f"{v:.3f} s" for v in values))
    verdict = ("nothing lost, no crash" if summary["nothing_lost_no_crash"]
               else f"{summary['tests_failed']} reliability test(s) FAILED")
    out.append(f"reliability tests: {summary['tests_passed']} passed — {verdict}")
    return out
