"""The shared figure helpers: pure modules, saving, text fitting, judgement checks."""

import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from plotting.judgements import NOT_ASSESSED, check_judgement
from plotting.output import figure_bytes, save_figure
from plotting.text import shorten, text_width, widest, wrap

ROOT = Path(__file__).resolve().parents[2]


def test_plot_modules_import_neither_django_nor_pyplot():
    # A fresh interpreter, so modules other tests imported do not count.
    code = (
        "import sys\n"
        "import analysis.plots, rob.plots, plotting.output\n"
        "from analysis.stats import pool\n"
        "fit = pool([0.1, 0.3, 0.2], [0.01, 0.02, 0.03], measure='MD')\n"
        "analysis.plots.forest_plot(fit)\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django'"
        " or m == 'matplotlib.pyplot']\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_figures_save_by_suffix_and_refuse_other_formats(tmp_path):
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "Aronson 1948")
    save_figure(fig, tmp_path / "a.svg")
    save_figure(fig, tmp_path / "a.PNG")
    assert "Aronson 1948" in (tmp_path / "a.svg").read_text()  # text stays text
    assert (tmp_path / "a.PNG").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        save_figure(fig, tmp_path / "a.pdf")
    with pytest.raises(ValueError, match="'svg' or 'png', not 'jpg'"):
        figure_bytes(fig, "jpg")


def test_svg_bytes_are_the_same_for_the_same_figure():
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "same")
    assert figure_bytes(fig, "svg") == figure_bytes(fig, "svg")  # no date inside


def test_shorten_keeps_what_fits_and_cuts_the_rest_with_an_ellipsis():
    assert shorten("Aronson 1948", 3.0, 8) == "Aronson 1948"
    long = "Randomised trial of something rather long " * 4
    cut = shorten(long, 2.0, 8)
    assert cut.endswith("\u2026") and long.startswith(cut[:-1])
    assert text_width(cut, 8) <= 2.0 < text_width(long, 8)


def test_wrap_breaks_words_and_chinese_within_the_width():
    lines = wrap("Bias due to deviations from intended interventions", 1.2, 8)
    assert (
        len(lines) > 1 and " ".join(lines) == "Bias due to deviations from intended interventions"
    )
    assert all(text_width(line, 8) <= 1.2 for line in lines)
    chinese = "随机化过程中的偏倚随机化过程中的偏倚随机化过程中的偏倚"
    lines = wrap(chinese, 1.0, 8)
    assert len(lines) > 1 and "".join(lines) == chinese


def test_widest_measures_the_longest_texts():
    texts = ["1", "22", "0.41 [0.13, 1.26]", "10.6%"]
    assert widest(texts, 8) == text_width("0.41 [0.13, 1.26]", 8)
    assert widest([], 8) == 0.0


def test_judgements_are_checked_by_name():
    assert check_judgement("some_concerns", "x") == "some_concerns"
    assert check_judgement(None, "x") == NOT_ASSESSED == check_judgement("", "x")
    with pytest.raises(ValueError, match="row 3: unknown judgement 'Low risk'"):
        check_judgement("Low risk", "row 3")
