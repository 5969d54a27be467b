"""Simplified Chinese on screen: the catalog loads, the panels and the core's messages speak it,
and every number is the same as in English. English is the default in every other test."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from gradlab import i18n
from gradlab.core.config import ConfigError, LabConfig
from gradlab.core.data import DataError, parse_csv
from gradlab.core.explain import autograd_graph, chain_rule, reduction_demo
from gradlab.core.messages import Message, error_message

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])
INDEX = np.arange(4)
CJK = re.compile(r"[\u4e00-\u9fff]")
TORCH_ERROR = "grad can be implicitly created only for scalar outputs"


@pytest.fixture
def chinese(qapp) -> Iterator[None]:  # noqa: ANN001
    assert i18n.install("zh_CN") == "zh_CN"
    try:
        yield
    finally:
        i18n.install("en")


def numbers(text: str) -> list[str]:
    return re.findall(r"[−-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?", text)


def test_english_is_the_default_in_the_tests(qapp) -> None:  # noqa: ANN001
    assert i18n.current_language() == "en"
    assert QCoreApplication.translate("FitPanel", "minibatch") == "minibatch"
    assert i18n.choose_language() == "en"  # tests/conftest.py makes the system locale English


def test_language_choice_order_and_spellings() -> None:
    zh, en, tw = QLocale("zh_CN"), QLocale("en_US"), QLocale("zh_TW")
    assert i18n.choose_language(None, None, zh) == "zh_CN"  # the system's language
    assert i18n.choose_language(None, None, tw) == "en"  # no Traditional Chinese catalog
    assert i18n.choose_language(None, None, QLocale("de_DE")) == "en"
    assert i18n.choose_language(None, "zh_CN", en) == "zh_CN"  # the saved choice wins ...
    assert i18n.choose_language("en", "zh_CN", zh) == "en"  # ... and --lang over both
    assert i18n.choose_language("zh-CN", None, en) == "zh_CN"
    assert i18n.choose_language("klingon", None, zh) == "zh_CN"  # unknown: as if not given
    for spelling in ("zh_CN", "zh-CN", "zh", "zh_Hans", "zh-Hans-CN", "ZH_cn"):
        assert i18n.normalize(spelling) == "zh_CN", spelling
    for spelling in ("zh_TW", "zh-Hant", "zh_HK", "fr", "", None):
        assert i18n.normalize(spelling) is None, spelling
    assert i18n.normalize("en_GB") == "en"


def test_a_message_crosses_a_process_pipe_with_its_template() -> None:
    try:
        LabConfig(lr=-1)
    except ConfigError as exc:
        message = error_message(exc)
    assert message == "lr: the learning rate must be > 0, got -1"
    copy = pickle.loads(pickle.dumps(message))
    assert isinstance(copy, Message) and copy == message
    assert copy.template == message.template and copy.params["field"] == "lr"


def test_core_messages_in_chinese_keep_their_values(chinese) -> None:  # noqa: ANN001
    try:
        LabConfig(lr=-1)
    except ConfigError as exc:
        assert i18n.tr_message(error_message(exc)) == "lr：学习率必须 > 0，实际为 -1"
        assert str(exc) == "lr: the learning rate must be > 0, got -1"  # the CLI's English
    try:
        parse_csv("x,y\n1,2\n3,abc\n")
    except DataError as exc:
        assert i18n.tr_message(error_message(exc)) == "第 3 行：y 的值 'abc' 不是数字"
    assert i18n.tr_message("plain text") == "plain text"


def test_reduction_panel_in_chinese(make_widget, chinese) -> None:  # noqa: ANN001
    from gradlab.ui.reduction_panel import ReductionPanel

    panel = make_widget(ReductionPanel)
    panel.show_demo(reduction_demo(X, Y, INDEX, 0.0, 0.0, "mse", None), 4, 0.01, "mean")
    shown = panel.values()
    assert panel.columns["mean"].title.text() == "mean 平均"
    assert panel.columns["mean"].select.text() == "✓ 正在使用"
    assert CJK.search(panel.heading.text())
    assert shown["mean"]["loss"] == "L = 30"  # numbers and formulas exactly as in English
    assert shown["mean"]["grad_w"] == "∂L/∂w = −30"
    assert shown["sum"]["grad_b"] == "∂L/∂b = −40"
    assert "120 = 4 × 30" in shown["relation"]
    assert "(0.01/4)·(−120) = 0.3" in shown["lr_relation"]
    assert "形状 (4,)" in shown["none"]["loss"]
    panel.backward_button.click()
    error = panel.values()["none"]["error"]
    assert TORCH_ERROR in error  # PyTorch's own words, quoted
    assert "原因：归约方式为 'none' 时，损失是形状为 (4,) 的张量" in error


def test_chain_rule_panel_numbers_are_the_same_in_both_languages(make_widget, qapp) -> None:  # noqa: ANN001
    from gradlab.ui.chain_rule_panel import ChainRulePanel

    cr = chain_rule(X, Y, INDEX, 0.0, 0.0, "mse", "mean", None, lr=0.01)
    english = make_widget(ChainRulePanel)
    english.show_chain_rule(cr, "sgd", True, 1)
    i18n.install("zh_CN")
    try:
        chinese = make_widget(ChainRulePanel)
        chinese.show_chain_rule(cr, "sgd", True, 1)
    finally:
        i18n.install("en")
    en, zh = english.values(), chinese.values()
    assert zh["heading"].startswith("第 1 步的链式法则：MSE · mean · B = 4")
    assert "符号错误" in zh["sign_slip"] and "<b>+0.3</b>" in zh["sign_slip"]
    assert "参数更新（普通 SGD）" in zh["update"]
    for key in en:
        assert numbers(zh[key]) == numbers(en[key]) or key in ("heading", "sign_slip"), key
    assert sorted(numbers(zh["heading"])) == sorted(numbers(en["heading"]))
    for row in range(chinese.table.rowCount()):
        for col in range(chinese.table.columnCount()):
            assert chinese.cell(row, col) == english.cell(row, col)
    assert CJK.search(chinese.table.horizontalHeaderItem(4).toolTip())


def test_graph_panel_in_chinese(make_widget, chinese) -> None:  # noqa: ANN001
    from gradlab.ui.graph_panel import GraphPanel

    panel = make_widget(GraphPanel)
    panel.show_graph(autograd_graph(X, Y, 0.0, 0.0, "mse", "none"), "none")
    assert "backward() 需要形状为 () 的单个数" in panel.note_text()
    assert "自动求导计算图" in panel.caption.text()
    assert ("PowBackward0", "(4,)") in panel.drawn_nodes()
