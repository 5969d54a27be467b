"""CSV reading: what is accepted, and every rejection names its line (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from gradlab.core.data import DataError, parse_csv, read_csv, write_csv


def test_header_comments_crlf_and_bom_are_accepted(tmp_path):
    text = "\ufeffx,y\r\n# a comment\r\n1,2\r\n\r\n2, 4  # trailing comment\r\n3e0,6.0\r\n"
    p = tmp_path / "d.csv"
    p.write_bytes(text.encode("utf-8"))
    d = read_csv(p)
    np.testing.assert_array_equal(d.x, [1, 2, 3])
    np.testing.assert_array_equal(d.y, [2, 4, 6])


def test_non_numeric_cell_names_its_line():
    rows = ["x,y", "# comment", "1,2", "2,4", "3,6", "4,8", "5,ten", "6,12"]
    with pytest.raises(DataError) as info:
        parse_csv("\n".join(rows))
    assert info.value.line == 7 and "line 7" in str(info.value) and "'ten'" in str(info.value)


@pytest.mark.parametrize("text,line,fragment", [
    ("x,y\n", None, "no data rows"),
    ("", None, "no data rows"),
    ("# only a comment\n\n", None, "no data rows"),
    ("1;2\n3;4\n", 1, "';'"),
    ("1,2\n3,4,5\n", 2, "found 3"),
    ("1,2\nnan,4\n", 2, "not a finite number"),
    ("1,2\n3,inf\n", 2, "not a finite number"),
    ("1,2\n3,\n", 2, "empty"),
    ('1,2\n"1,5",3\n', 2, "found 3"),
])
def test_bad_csv_is_rejected_with_the_line(text, line, fragment):
    with pytest.raises(DataError) as info:
        parse_csv(text)
    assert info.value.line == line
    assert fragment in str(info.value)


def test_binary_and_unreadable_files(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"1,2\n\xff\xfe,3\n")
    with pytest.raises(DataError, match="line 2.*UTF-8"):
        read_csv(p)
    with pytest.raises(DataError, match="cannot read"):
        read_csv(tmp_path / "missing.csv")


def test_write_then_read_is_exact(tmp_path):
    from gradlab.core.data import make_preset

    d = make_preset("noisy-line", n=17)
    write_csv(d, tmp_path / "d.csv")
    assert read_csv(tmp_path / "d.csv") == d


def test_config_for_hand_made_data() -> None:
    from gradlab.core.config import LabConfig

    cfg = LabConfig(reduction="weighted", weights=(1.0, 0.0, 0.0, 0.0), batch_size=3)
    same = cfg.for_data(4, "edited")
    assert (same.preset, same.source, same.weights, same.batch_size) == \
        ("csv", "edited", (1.0, 0.0, 0.0, 0.0), 3)
    fewer = cfg.for_data(3, "edited")
    assert fewer.weights is None and fewer.batch_size is None  # they no longer fit
    new_file = cfg.for_data(4, "f.csv", keep_weights=False)
    assert new_file.weights is None and new_file.batch_size == 3


def test_weights_are_checked_with_a_message_naming_the_value() -> None:
    from gradlab.core.config import ConfigError, LabConfig

    for bad, words in (((1.0, "a"), "'a'"), ((True, False), "True"), ((1.0, float("nan")), "nan"),
                       ((), "empty"), ([[1, 2], [3]], "list of numbers"), ("abc", "list")):
        with pytest.raises(ConfigError, match="weights") as info:
            LabConfig(weights=bad)
        assert words in str(info.value)
    assert LabConfig(weights=[1, 2.5]).weights == (1.0, 2.5)
