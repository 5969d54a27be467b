"""Math symbols never break across lines ("∂L/" … "∂b"): the teaching panels' texts, laid out
the way their labels lay them out, at any width, in both languages."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QLabel, QWidget

from gradlab import i18n
from gradlab.core.explain import chain_rule, reduction_demo
from gradlab.ui.chain_rule_panel import ChainRulePanel
from gradlab.ui.reduction_panel import ReductionPanel
from gradlab.ui.text import WORD_JOINER, unbroken

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])
INDEX = np.arange(4)


def laid_out_lines(label: QLabel, width: float) -> list[str]:
    """The lines of ``label``'s text at ``width`` px: a QTextDocument set up as QLabel's own
    (its font, no margin, breaking at word boundaries only)."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    doc.setHtml(label.text())
    doc.setTextWidth(width)
    doc.size()  # lays the document out
    lines, block = [], doc.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for k in range(layout.lineCount()):
            line = layout.lineAt(k)
            lines.append(text[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    return lines


def split_symbols(panel: QWidget) -> list[tuple[int, str]]:
    """(width, line) for every laid-out line of a visible label that ends inside a symbol
    ("… ∂L/"), at the label's own width and at every narrower width down to 100 px."""
    found = []
    for label in panel.findChildren(QLabel):
        if not label.isVisibleTo(panel) or "/" not in label.text():
            continue
        own = label.contentsRect().width()
        for width in [own, *range(100, own, 3)]:
            for line in laid_out_lines(label, width):
                if line.rstrip(" \u00a0\u2028" + WORD_JOINER).endswith("/"):
                    found.append((width, line))
    return found


def test_unbroken_joins_slashes_in_words_only() -> None:
    assert unbroken("∂L/∂b = 1/B") == f"∂L/{WORD_JOINER}∂b = 1/{WORD_JOINER}B"
    assert unbroken("<b>x</b> a / b<br/>") == "<b>x</b> a / b<br/>"  # tags and lone slashes


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_symbols_never_break_on_a_narrow_panel(make_widget, qtbot, language: str) -> None:  # noqa: ANN001
    assert i18n.install(language) == language
    try:
        reduction = make_widget(ReductionPanel, (500, 600))
        reduction.show_demo(reduction_demo(X, Y, INDEX, 0.0, 0.0, "mse", None), 4, 0.01, "mean")
        chain = make_widget(ChainRulePanel, (500, 600))
        chain.show_chain_rule(chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", lr=0.01), "sgd",
                              is_seed_preset=True, step=1)
        qtbot.waitExposed(chain)
        assert chain.sign_slip.isVisibleTo(chain) and "∂L/" in chain.sign_slip.text()
        assert "∂L/" in reduction.relation.text()
        assert split_symbols(reduction) == []
        assert split_symbols(chain) == []
    finally:
        i18n.install("en")
