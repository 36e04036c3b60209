"""Forest and funnel plots render to SVG and PNG from result objects."""

import numpy as np
import pytest

from analysis.plots import forest_plot, funnel_plot
from analysis.stats import binary, pool, subgroup_analysis
from analysis.stats.tabular import read_table
from tests.analysis.test_metaanalyze_command import BCG


@pytest.fixture(scope="module")
def bcg():
    df = read_table(BCG)
    es = binary(
        "RR",
        events1=df.events_t.astype(float),
        n1=df.n_t.astype(float),
        events2=df.events_c.astype(float),
        n2=df.n_c.astype(float),
        studies=df.study,
    )
    fit = pool(es.yi, es.vi, studies=es.studies, measure="RR")
    groups = np.array(df.allocation)
    sub = subgroup_analysis(
        groups, lambda m: pool(es.yi[m], es.vi[m], measure="RR", studies=np.array(es.studies)[m])
    )
    return fit, sub


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_forest_plot_writes_file_with_studies_diamond_and_prediction_interval(
    tmp_path, bcg, suffix
):
    fit, sub = bcg
    path = tmp_path / f"forest.{suffix}"
    fig = forest_plot(fit, path, subgroups=sub)
    assert path.stat().st_size > 10_000
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "Aronson 1948" in texts and "Prediction interval" in texts
    assert any(t.startswith("Subtotal (k = 7") for t in texts)
    footer = " ".join(t.get_text() for t in fig.texts)
    assert "Test for subgroup differences" in footer
    if suffix == "png":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "<svg" in path.read_text()


def test_forest_plot_labels_the_favoured_sides(tmp_path, bcg):
    fig = forest_plot(bcg[0], favours=("Favours vaccine", "Favours control"))
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "\u2190 Favours vaccine" in texts and "Favours control \u2192" in texts


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_funnel_plot_draws_studies_and_contours(tmp_path, bcg, suffix):
    path = tmp_path / f"funnel.{suffix}"
    fig = funnel_plot(bcg[0], path)
    assert path.stat().st_size > 5_000
    ax = fig.axes[0]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # standard error axis inverted
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "95% pseudo-CI" in labels


def test_unknown_plot_suffix_is_refused(tmp_path, bcg):
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        forest_plot(bcg[0], tmp_path / "forest.pdf")
