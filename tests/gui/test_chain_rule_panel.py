"""The chain-rule panel lays out core's ``chain_rule`` (numpy by hand next to autograd): every cell,
sum and mark is checked against the core's arrays."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from gradlab.core.data import make_preset
from gradlab.core.explain import ChainRule, chain_rule
from gradlab.ui import theme as th
from gradlab.ui.chain_rule_panel import COL_PROD_B, COL_PROD_W, COLUMNS, MAX_ROWS, ChainRulePanel
from gradlab.ui.text import fmt
from gradlab.ui.text_panel import text_scale

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])
INDEX = np.arange(4)


@pytest.fixture
def make_panel(make_widget) -> Callable[[], ChainRulePanel]:  # noqa: ANN001
    return lambda: make_widget(ChainRulePanel)


def row_arrays(cr: ChainRule) -> list[np.ndarray | None]:
    """The core's array behind each table column, in COLUMNS order."""
    return [cr.index + 1, cr.y, cr.pred, cr.residual, cr.per_sample_loss, cr.dl_dpred, cr.weight,
            cr.dL_dpred, cr.dpred_dw, cr.dpred_db, cr.prod_w, cr.prod_b]


def check_table(panel: ChainRulePanel, cr: ChainRule) -> None:
    arrays = row_arrays(cr)
    assert len(arrays) == len(COLUMNS) == panel.table.columnCount()
    for k in range(min(cr.batch_size, MAX_ROWS)):
        for col, values in enumerate(arrays):
            expected = "—" if values is None else (
                str(int(values[k])) if col == 0 else fmt(float(values[k])))
            assert panel.cell(k, col) == expected, (k, COLUMNS[col][0])


def check_sums(panel: ChainRulePanel, cr: ChainRule) -> None:
    shown = panel.values()
    assert shown["hand_w"] == fmt(cr.grad_w, 8)
    assert shown["autograd_w"] == fmt(cr.autograd_grad_w, 8)
    assert shown["hand_b"] == fmt(cr.grad_b, 8)
    assert shown["autograd_b"] == fmt(cr.autograd_grad_b, 8)
    assert shown["hand_loss"] == fmt(cr.loss, 8)
    assert cr.agrees
    for key in ("w", "b", "loss"):
        assert "✓" in shown[f"mark_{key}"] and "✗" not in shown[f"mark_{key}"]
    last = panel.table.rowCount() - 1
    assert panel.cell(last, 0) == "Σ"
    assert panel.cell(last, COL_PROD_W) == fmt(cr.grad_w, 6)
    assert panel.cell(last, COL_PROD_B) == fmt(cr.grad_b, 6)


def test_seed_derivation_matches_the_article_and_autograd(make_panel) -> None:  # noqa: ANN001
    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", lr=0.01)
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=True)
    check_table(panel, cr)
    check_sums(panel, cr)
    assert panel.table.rowCount() == 4 + 1  # the batch and the Σ row
    shown = panel.values()
    assert shown["hand_w"] == shown["autograd_w"] == "−30"
    assert shown["hand_b"] == shown["autograd_b"] == "−10"
    assert [panel.cell(k, 7) for k in range(4)] == ["−1", "−2", "−3", "−4"]  # ∂L/∂ŷᵢ
    assert "lᵢ = (ŷᵢ − yᵢ)²" in shown["formulas"]
    assert "L = (1/B)·Σ lᵢ" in shown["formulas"] and "1/B = 0.25" in shown["formulas"]
    assert "plain SGD" in shown["update"]
    assert "0 − 0.01·(−30) = <b>0.3</b>" in shown["update"]
    assert "0 − 0.01·(−10) = <b>0.1</b>" in shown["update"]
    assert "−0.3" in shown["sign_slip"] and "sign slip" in shown["sign_slip"]
    assert shown["no_scalar"] == ""


def test_sign_slip_note_only_on_the_seed_preset(make_panel) -> None:  # noqa: ANN001
    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", lr=0.01)
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=True)
    assert panel.values()["sign_slip"]
    panel.show_chain_rule(cr, "sgd", is_seed_preset=False)
    assert panel.values()["sign_slip"] == ""


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "weighted"])
def test_every_loss_and_reduction_on_the_outlier_preset(
        make_panel, loss: str, reduction: str) -> None:  # noqa: ANN001
    data = make_preset("outlier")
    weights = np.linspace(0.0, 2.0, len(data)) if reduction == "weighted" else None
    index = np.arange(len(data))[::-1]  # a batch in its own order
    cr = chain_rule(data.x, data.y, index, 0.5, -1.0, loss, reduction, weights, lr=0.02)
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=False)
    check_table(panel, cr)
    check_sums(panel, cr)
    shown = panel.values()
    formula = {"mse": "(ŷᵢ − yᵢ)²", "mae": "|ŷᵢ − yᵢ|", "huber": "clip(ŷᵢ − yᵢ, −1, 1)"}[loss]
    assert formula in shown["formulas"]
    reduced = {"mean": "L = (1/B)·Σ lᵢ", "sum": "L = Σ lᵢ", "weighted": "L = Σ vᵢ·lᵢ"}[reduction]
    assert reduced in shown["formulas"]
    assert panel.table.rowCount() == MAX_ROWS + 2  # 20 rows: the first 8, "…", Σ
    assert panel.cell(MAX_ROWS, 0) == "…"
    assert f"= <b>{fmt(cr.w_after, 6)}</b>" in shown["update"]
    assert shown["sign_slip"] == ""


def test_a_batch_of_100_shows_eight_rows_then_an_ellipsis(make_panel) -> None:  # noqa: ANN001
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 100)
    y = 2 * x + 1 + rng.normal(0, 0.5, 100)
    index = rng.permutation(100)
    cr = chain_rule(x, y, index, 0.0, 0.0, "mse", "mean", lr=0.05)
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=False)
    assert panel.table.rowCount() == MAX_ROWS + 2
    check_table(panel, cr)
    assert [panel.cell(MAX_ROWS, c) for c in range(len(COLUMNS))] == ["…"] * len(COLUMNS)
    check_sums(panel, cr)
    assert "B = 100" in panel.values()["heading"]
    # Back to a batch of 4: the table shrinks, nothing of the big batch stays.
    small = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "sum", lr=0.01)
    panel.show_chain_rule(small, "sgd", is_seed_preset=True)
    assert panel.table.rowCount() == 5
    check_table(panel, small)
    check_sums(panel, small)
    assert panel.values()["hand_w"] == "−120"


def test_none_explains_there_is_no_scalar(make_panel) -> None:  # noqa: ANN001
    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "none", lr=0.01)
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=True)
    shown = panel.values()
    assert "grad can be implicitly created only for scalar outputs" in shown["no_scalar"]
    assert cr.explanation is not None and cr.explanation in shown["no_scalar"]
    assert "shape (4,)" in shown["formulas"]
    assert shown["update"] == "" and shown["hand_w"] == "" and shown["mark_w"] == ""
    assert panel.table.rowCount() == 4  # no Σ row: there is nothing to sum into
    check_table(panel, cr)  # ŷ, residual, ∂lᵢ/∂ŷᵢ are there; every ∂L/… is "—"


@pytest.mark.parametrize(("optimizer", "name"), [("momentum", "SGD with momentum"),
                                                 ("adam", "Adam")])
def test_other_optimizers_say_the_update_is_theirs(
        make_panel, optimizer: str, name: str) -> None:  # noqa: ANN001
    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", lr=0.01)
    panel = make_panel()
    panel.show_chain_rule(cr, optimizer, is_seed_preset=False)
    update = panel.values()["update"]
    assert name in update and "not plain lr·g" in update
    assert "Plain SGD would give" in update


def test_a_disagreement_is_marked(make_panel) -> None:  # noqa: ANN001
    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", lr=0.01)
    off = dataclasses.replace(cr, autograd_grad_w=cr.autograd_grad_w + 1e-3, agrees=False)
    panel = make_panel()
    panel.show_chain_rule(off, "sgd", is_seed_preset=False)
    shown = panel.values()
    assert "✗" in shown["mark_w"]
    assert "✓" in shown["mark_b"]
    tiny = dataclasses.replace(cr, autograd_grad_w=cr.autograd_grad_w * (1 + 1e-9))
    panel.show_chain_rule(tiny, "sgd", is_seed_preset=False)
    assert "✓" in panel.values()["mark_w"]
    panel.set_theme(th.DARK)
    assert "✓" in panel.values()["mark_w"]


def test_equal_infinities_are_marked_agree(make_panel) -> None:  # noqa: ANN001
    # w = 1e155: L overflows to inf by hand and in autograd (the gradients stay finite).
    cr = chain_rule(X, Y, INDEX, 1e155, 0.0, "mse", "mean", lr=0.01)
    assert cr.loss == cr.autograd_loss == np.inf
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=False)
    shown = panel.values()
    assert shown["hand_loss"] == shown["autograd_loss"] == "inf"
    for key in ("loss", "w", "b"):
        assert "✓" in shown[f"mark_{key}"] and "✗" not in shown[f"mark_{key}"], key
    # Different infinities, or an infinity and a finite number, still differ.
    for other in (-np.inf, 1e300):
        panel.show_chain_rule(dataclasses.replace(cr, autograd_loss=other), "sgd",
                              is_seed_preset=False)
        assert "✗" in panel.values()["mark_loss"], other


def test_text_grows_with_the_panel_for_a_projector(make_panel, qtbot) -> None:  # noqa: ANN001
    assert text_scale(900, 600) == 1.0
    assert text_scale(600, 400) == 1.0  # never smaller than the base sizes
    assert text_scale(1200, 800) == 1.3
    assert text_scale(1900, 1000) == 1.5
    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", lr=0.01)
    panel = make_panel()
    panel.show_chain_rule(cr, "sgd", is_seed_preset=True)
    assert panel.table.font().pixelSize() == 18
    panel.resize(1600, 900)
    qtbot.waitUntil(lambda: panel.table.font().pixelSize() == 27)
    check_table(panel, cr)


def test_every_row_follows_the_tables_font_after_the_sum_row_moves(make_panel) -> None:  # noqa: ANN001
    """Issue 15, item 15: the Σ row of a batch of 4 becomes an ordinary row of a larger batch;
    when the table's font then steps (MSE → MAE widens the numbers; here the text size), that
    row was left at the old size."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont

    panel = make_panel()
    panel.show_chain_rule(chain_rule(X, Y, INDEX, 0.3, 0.1, "mse", "mean"))
    ds = make_preset("noisy-line", n=50, noise=0.5, seed=0)
    index = np.arange(10)
    panel.show_chain_rule(chain_rule(ds.x, ds.y, index, 0.3, 0.1, "mse", "mean"))
    table = panel.table
    table.set_scale(1.4)
    panel.show_chain_rule(chain_rule(ds.x, ds.y, index, 0.3, 0.1, "mae", "mean"))
    px = table.font().pixelSize()
    for row in range(table.rowCount() - 1):  # the Σ row is bold, at the same size
        for col in range(table.columnCount()):
            item = table.item(row, col)
            font = item.data(Qt.ItemDataRole.FontRole)
            shown = QFont(font) if font is not None else table.font()
            assert (shown.pixelSize(), shown.bold()) == (px, False), (row, col)
    last = table.item(table.rowCount() - 1, 0).font()
    assert (last.pixelSize(), last.bold()) == (px, True)
