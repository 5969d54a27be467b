"""Simplified Chinese on screen: the catalog loads, the panels and the core's messages speak it,
and every number is the same as in English. English is the default in every other test."""

from __future__ import annotations

import os
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


# ---- the whole window ---------------------------------------------------------------------------


def _menu_texts(window) -> list[str]:  # noqa: ANN001
    """Every menu title and action text of the menu bar, submenus included."""
    out = []

    def walk(menu) -> None:  # noqa: ANN001
        out.append(menu.title())
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator():
                out.append(action.text())

    for action in window.menuBar().actions():
        walk(action.menu())
    return out


def _numbers_on_screen(window) -> dict[str, list[str]]:  # noqa: ANN001
    def text(html: str) -> str:
        return re.sub(r"<[^>]+>", "", html)

    return {
        "gradient_w": numbers(text(window.gradient_panel.title("w"))),
        "gradient_b": numbers(text(window.gradient_panel.title("b"))),
        "status": [numbers(text(window.status.labels[k].text()))
                   for k in ("step", "loss", "w", "b")],
        "loss_label": numbers(window.loss_panel.reduced_label.toPlainText()),
        "fit_title": numbers(text(window.fit_panel._title)),
    }


def test_the_window_in_chinese_with_the_seed_step_numbers(make_lab, qtbot) -> None:  # noqa: ANN001
    english = make_lab()
    english.lab.step(1)
    qtbot.waitUntil(lambda: english.shown is not None and english.shown.step == 1, timeout=30_000)
    en = _numbers_on_screen(english)
    assert en["gradient_w"] == ["−30"] and en["gradient_b"] == ["−10"]
    i18n.install("zh_CN")
    try:
        window = make_lab()
        window.lab.step(1)
        qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 1,
                        timeout=30_000)
        assert _numbers_on_screen(window) == en  # −30, −10, 30, 0.3, 0.1: exactly as in English
        assert "∂L/∂w = −30" in window.gradient_panel.title("w")
        # Every menu entry is Chinese, except the languages' own names and formulas.
        untranslated = [t for t in _menu_texts(window)
                        if not CJK.search(t) and t not in ("English", "A−", "A+")]
        assert not untranslated, untranslated
        assert window.menuBar().actions()[0].text() == "文件(&F)"
        assert window.dock.windowTitle() == "控制"
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
            "训练", "归约", "链式法则", "计算图", "损失曲面", "逐样本", "批次与多进程"]
        c = window.controls
        assert (c.step_button.text(), c.run_button.text(), c.reset_button.text()) == (
            "单步", "运行", "重置")
        assert c.batch.edit.text() == "全部 (4)" and c.speed.edit.text() == "最大"
        assert c.reduction.currentText() == "mean（平均）"
        assert CJK.search(c.lr.toolTip()) and CJK.search(c.lr.whatsThis())
        assert window.status.labels["state"].text() == "<b>已暂停</b>"
        assert "第 1 步之后的拟合" in window.fit_panel._title
        window.controls.lr.edit.setText("0")  # a refused value: the reason in Chinese
        window.controls.lr.edit.editingFinished.emit()
        assert window.banner.text() == "未应用：学习率：'0' 不是大于 0 的数；保持为 0.01"
        assert window.controls.speed.scale.parse("最大") == float("inf")
    finally:
        i18n.install("en")


def test_divergence_is_reported_in_chinese_with_its_numbers(make_lab, qtbot) -> None:  # noqa: ANN001
    """The worker's message crosses the training process's pipe as a Message and is translated
    in the window."""
    i18n.install("zh_CN")
    try:
        window = make_lab(LabConfig(preset="unscaled", lr=1e6))
        window.lab.step(50)
        qtbot.waitUntil(lambda: window.lab.state == "diverged", timeout=30_000)
        text = window.banner.text()
        assert text.startswith("在第 ") and "发散" in text and "lr = 1e+06" in text, text
    finally:
        i18n.install("en")


def test_choosing_a_language_restarts_with_the_run_carried_over(make_lab, qtbot,
                                                                tmp_path) -> None:  # noqa: ANN001
    from gradlab.ui.settings import Settings

    window = make_lab()
    window.lab.step(3)
    qtbot.waitUntil(lambda: window.shown is not None and window.shown.step == 3, timeout=30_000)
    w, b = window.shown.record.w_after, window.shown.record.b_after
    launched: list[tuple[str, list[str]]] = []
    window.files.launcher = lambda program, args: launched.append((program, args)) or True
    window.options.language_actions["zh_CN"].trigger()
    assert Settings().language() == "zh_CN"
    box = window.options.language_box
    assert box is not None and "简体中文" in box.text()
    restart = next(button for button in box.buttons() if button.text() == "Restart now")
    restart.click()
    qtbot.waitUntil(lambda: bool(launched) and not window.isVisible(), timeout=30_000)
    program, args = launched[0]
    assert args[-2] == "--resume" and args[-1].endswith(".gradlab"), args
    carried = args[-1]
    # The new gradlab (here: a window in Chinese) goes on from the same step.
    i18n.install(i18n.choose_language(None, Settings().language()))
    try:
        new = make_lab()
        new.files.resume_from(carried)
        qtbot.waitUntil(lambda: new.shown is not None and new.shown.step == 3, timeout=30_000)
        assert (new.shown.record.w_after, new.shown.record.b_after) == (w, b)
        assert new.files.session_path is None and Settings().recent_files() == []
        qtbot.waitUntil(lambda: not os.path.exists(carried), timeout=10_000)
        assert new.tabs.tabText(0) == "训练"
    finally:
        i18n.install("en")


def test_lang_argument() -> None:
    from gradlab.cli import UsageError
    from gradlab.gui import main, parse_language

    assert parse_language("zh-CN") == "zh_CN" and parse_language("en") == "en"
    assert parse_language(None) is None
    with pytest.raises(UsageError, match="--lang"):
        parse_language("fr")
    assert main(["--lang", "klingon"]) == 2
