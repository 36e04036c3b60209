"""Forest, leave-one-out and funnel plots render to SVG and PNG from result objects and
draw what the results say."""

import math
from collections import Counter

import numpy as np
import pytest

from analysis.plots import forest_plot, funnel_plot, leave_one_out_plot
from analysis.stats import (
    begg_test,
    binary,
    egger_test,
    leave_one_out,
    pool,
    subgroup_analysis,
    trim_and_fill,
)

# The function, not its module: the package attribute is the submodule once anything has
# imported analysis.stats.mantel_haenszel (the package loads its names lazily).
from analysis.stats.mantel_haenszel import mantel_haenszel
from analysis.stats.tabular import read_table
from tests.analysis.test_metaanalyze_command import BCG
from tests.figures import (
    marks,
    no_missing_glyphs,
    render_both,
    svg_texts,
    text_artist,
    texts,
)

ROB2_DOMAINS = {
    "D1": "Bias arising from the randomization process",
    "D2": "Bias due to deviations from intended interventions",
    "D3": "Bias due to missing outcome data",
    "D4": "Bias in measurement of the outcome",
    "D5": "Bias in selection of the reported result",
    "Overall": "Overall risk of bias",
}


@pytest.fixture(scope="module")
def bcg_table():
    return read_table(BCG)


@pytest.fixture(scope="module")
def bcg(bcg_table):
    df = bcg_table
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


def generic_fit(k: int, labels=None, seed: int = 0):
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(0.3, np.sqrt(vi))
    return pool(yi, vi, studies=labels or [f"Study {i + 1}" for i in range(k)], measure="MD")


# Forest plot


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_forest_plot_writes_file_with_studies_diamond_and_prediction_interval(
    tmp_path, bcg, suffix
):
    fit, sub = bcg
    path = tmp_path / f"forest.{suffix}"
    fig = forest_plot(fit, path, subgroups=sub)
    assert path.stat().st_size > 10_000
    drawn = texts(fig)
    assert "Aronson 1948" in drawn and "Prediction interval" in drawn
    assert "Subtotal (k = 7)" in drawn
    if suffix == "png":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "<svg" in path.read_text()


def test_the_svg_keeps_every_study_label_as_text(bcg):
    fit, _ = bcg
    found = svg_texts(forest_plot(fit))
    for study in fit.studies:
        assert study in found


def test_one_square_per_study_and_a_diamond_per_pooled_estimate(bcg):
    fit, sub = bcg
    fig = forest_plot(fit, subgroups=sub)
    assert marks(fig)["studies"] == fit.k
    panel = fig.axes[1]
    gids = Counter(p.get_gid() for p in panel.patches)
    assert gids == {"diamond-subtotal": len(sub.groups), "diamond-total": 1}


def test_subgroup_forest_states_the_test_for_subgroup_differences_under_the_total(bcg):
    fit, sub = bcg
    fig = forest_plot(fit, subgroups=sub)
    test = text_artist(fig, "Test for subgroup differences")
    assert test.get_text().startswith(
        f"Test for subgroup differences: Q = {sub.q_between:.2f}, df = {sub.q_between_df} "
        f"(p = {sub.q_between_p:.3f})"
    )
    total = text_artist(fig, "Total:")
    assert test.get_position()[1] > total.get_position()[1]  # y grows downwards
    # Each subgroup reports its own heterogeneity and test for overall effect.
    drawn = texts(fig)
    for result in sub.groups.values():
        assert f"Heterogeneity: \u03c4\u00b2 = {result.tau2:.3f}".replace(
            "-", "\u2212"
        ) in " ".join(drawn)
    assert sum(t.startswith("Test for overall effect") for t in drawn) == len(sub.groups) + 1


def test_ratio_measures_use_a_log_axis_labelled_in_ratios(bcg):
    fit, _ = bcg
    panel = forest_plot(fit).axes[1]
    ticks = panel.get_xticks()
    labels = [t.get_text() for t in panel.get_xticklabels()]
    assert "1" in labels and "0.5" in labels
    for tick, label in zip(ticks, labels, strict=True):
        assert math.exp(tick) == pytest.approx(float(label))
    assert "0.49 [0.34, 0.70]" in texts(forest_plot(fit))  # exponentiated estimate


def test_forest_plot_labels_the_favoured_sides(bcg):
    fig = forest_plot(bcg[0], favours=("Favours vaccine", "Favours control"))
    drawn = texts(fig)
    assert "\u2190 Favours vaccine" in drawn and "Favours control \u2192" in drawn


def test_risk_of_bias_marks_match_the_judgements_given(bcg):
    fit, _ = bcg
    scale = ["low", "some_concerns", "high", "no_information"]
    rob = {
        study: {d: scale[(i + j) % 4] for j, d in enumerate(ROB2_DOMAINS)}
        for i, study in enumerate(fit.studies[:-1])  # the last study has no assessment
    }
    rob[fit.studies[0]]["D3"] = None  # not judged yet
    fig = forest_plot(fit, rob=rob, rob_domains=ROB2_DOMAINS)
    expected = Counter(j or "not_assessed" for row in rob.values() for j in row.values())
    expected["not_assessed"] += len(ROB2_DOMAINS)  # the unassessed study: six empty rings
    found = {
        gid[4:]: n for gid, n in marks(fig).items() if gid.startswith("rob-") and "key" not in gid
    }
    assert found == dict(expected)
    # The legend names every domain and each judgement drawn.
    drawn = svg_texts(fig)
    for domain, name in ROB2_DOMAINS.items():
        assert domain in drawn
        if domain != "Overall":
            assert f"{domain}: {name}" in drawn
    for label in ("Low", "Some concerns", "High", "No information", "Not assessed"):
        assert label in drawn
    assert marks(fig)["rob-key-low"] == 1


def test_risk_of_bias_columns_follow_the_data_when_no_domains_are_named(bcg):
    fit, _ = bcg
    rob = {fit.studies[0]: {"Overall": "serious", "D1": "low", "D2": "critical"}}
    fig = forest_plot(fit, rob=rob)
    headers = [t for t in fig.axes[0].texts if t.get_text() in ("D1", "D2", "Overall")]
    assert [t.get_text() for t in sorted(headers, key=lambda t: t.get_position()[0])] == [
        "D1",
        "D2",
        "Overall",
    ]


@pytest.mark.parametrize(
    ("rob", "message"),
    [
        ({"Nobody 2000": {"D1": "low"}}, "rob: study 'Nobody 2000' matches no study"),
        ({"Aronson 1948": {"D9": "low"}}, r"rob\['Aronson 1948'\]: unknown domain 'D9'"),
        (
            {"Aronson 1948": {"D1": "lowish"}},
            r"rob\['Aronson 1948'\]\['D1'\]: unknown judgement 'lowish'",
        ),
    ],
)
def test_bad_risk_of_bias_input_is_named(bcg, rob, message):
    with pytest.raises(ValueError, match=message):
        forest_plot(bcg[0], rob=rob, rob_domains=ROB2_DOMAINS)


def arm_data(df):
    return {
        "headers": ["Events", "Total", "Events", "Total"],
        "groups": [("BCG", 2), ("Control", 2)],
        "rows": {
            s: [a, b, c, d]
            for s, a, b, c, d in zip(
                df.study, df.events_t, df.n_t, df.events_c, df.n_c, strict=True
            )
        },
        "total": [
            str(df.events_t.sum()),
            str(df.n_t.sum()),
            str(df.events_c.sum()),
            str(df.n_c.sum()),
        ],
    }


def test_arm_columns_show_each_studys_counts_under_their_headers(bcg, bcg_table):
    fit, _ = bcg
    fig = forest_plot(fit, arm_data=arm_data(bcg_table))
    bg = fig.axes[0]
    row = text_artist(fig, "Aronson 1948").get_position()[1]
    on_row = sorted(
        (t for t in bg.texts if t.get_position()[1] == row), key=lambda t: t.get_position()[0]
    )
    assert [t.get_text() for t in on_row][:5] == ["Aronson 1948", "4", "123", "11", "139"]
    drawn = texts(fig)
    assert drawn.count("Events") == 2 and "BCG" in drawn and "Control" in drawn
    assert str(bcg_table.n_t.sum()) in drawn  # the total row
    # The columns sit left of the effect panel, so nothing overlaps it.
    panel_left = fig.axes[1].get_position().x0 * fig.get_figwidth()
    assert max(t.get_position()[0] for t in on_row[1:5]) < panel_left


def test_arm_data_with_the_wrong_number_of_cells_is_refused(bcg, bcg_table):
    data = arm_data(bcg_table)
    data["rows"]["Aronson 1948"] = ["4", "123"]
    with pytest.raises(ValueError, match="row 'Aronson 1948' has 2 cells for 4 headers"):
        forest_plot(bcg[0], arm_data=data)
    data = arm_data(bcg_table)
    data["rows"]["Nobody 2000"] = ["1", "2", "3", "4"]
    with pytest.raises(ValueError, match="row 'Nobody 2000' matches no study"):
        forest_plot(bcg[0], arm_data=data)


def test_a_double_zero_study_is_listed_as_not_estimable():
    fit = mantel_haenszel(
        "RR",
        events1=[4, 0, 10],
        n1=[100, 50, 120],
        events2=[9, 0, 15],
        n2=[100, 50, 118],
        studies=["A 2001", "B 2002 (no events)", "C 2003"],
    )
    fig = forest_plot(fit)
    row = text_artist(fig, "B 2002").get_position()[1]
    assert "Not estimable" in [
        t.get_text() for t in fig.axes[0].texts if t.get_position()[1] == row
    ]
    assert marks(fig)["studies"] == 2
    render_both(fig)


def test_one_study_renders_without_heterogeneity():
    fig = forest_plot(generic_fit(1, ["Only 2020"]))
    render_both(fig)
    assert marks(fig)["studies"] == 1
    assert "Heterogeneity: not applicable (one study)" in texts(fig)
    assert "Prediction interval" not in texts(fig)


def test_fifty_studies_grow_the_figure_and_each_gets_a_row():
    small, big = forest_plot(generic_fit(5)), forest_plot(generic_fit(50))
    assert marks(big)["studies"] == 50
    assert big.get_figheight() > small.get_figheight() + 40 * 0.2
    svg, _ = render_both(big)
    found = svg_texts(svg)
    assert all(f"Study {i}" in found for i in range(1, 51))


def test_long_study_labels_are_shortened_and_do_not_widen_the_plot():
    long = "A very long study label, " * 6 + "Smith et al. 2021"
    fig = forest_plot(generic_fit(3, [long, "B 2020", "C 2021"]))
    label = text_artist(fig, "A very long study label").get_text()
    assert label.endswith("\u2026") and long.startswith(label[:-1])
    assert fig.get_figwidth() < forest_plot(generic_fit(3)).get_figwidth() + 3.2


def test_chinese_study_names_and_dollar_signs_draw_as_plain_text():
    names = ["张三 2020", "李四等 2021（随机对照）", "Costs $5 to $10 2019"]
    rob = {n: {"D1": "low", "Overall": "high"} for n in names}
    with no_missing_glyphs():
        fig = forest_plot(
            generic_fit(3, names),
            rob=rob,
            rob_domains={"D1": "随机化过程中的偏倚", "Overall": ""},
            title="中文标题",
        )
        render_both(fig)
    found = svg_texts(fig)
    assert all(n in found for n in names) and "D1: 随机化过程中的偏倚" in found


def test_unknown_plot_suffix_is_refused(tmp_path, bcg):
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        forest_plot(bcg[0], tmp_path / "forest.pdf")


# Leave-one-out plot


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_leave_one_out_plot_has_a_row_per_omitted_study(tmp_path, bcg, suffix):
    fit, _ = bcg
    loo = leave_one_out(fit)
    path = tmp_path / f"loo.{suffix}"
    fig = leave_one_out_plot(loo, fit, path)
    assert path.stat().st_size > 5_000
    drawn = texts(fig)
    for study, est, lo, hi in zip(loo.studies, loo.estimate, loo.ci_low, loo.ci_high, strict=True):
        assert f"Omitting {study}" in drawn
        assert f"{math.exp(est):.2f} [{math.exp(lo):.2f}, {math.exp(hi):.2f}]" in drawn
    assert marks(fig)["studies"] == fit.k
    assert f"All studies (k = {fit.k})" in drawn
    reference = [line for line in fig.axes[1].lines if line.get_gid() == "reference"]
    assert [line.get_xdata()[0] for line in reference] == [fit.estimate]


@pytest.mark.parametrize("k", [2, 50])
def test_leave_one_out_plot_of_two_and_of_fifty_studies(k):
    fit = generic_fit(k)
    fig = leave_one_out_plot(leave_one_out(fit), fit)
    assert marks(fig)["studies"] == k
    svg, _ = render_both(fig)
    found = svg_texts(svg)
    assert all(f"Omitting Study {i}" in found for i in range(1, k + 1))


def test_leave_one_out_plot_draws_chinese_study_names():
    names = ["张三 2020", "李四 2021", "王五 2022"]
    fit = generic_fit(3, names)
    with no_missing_glyphs():
        fig = leave_one_out_plot(leave_one_out(fit), fit, title="敏感性分析")
        svg, _ = render_both(fig)
    assert "Omitting 李四 2021" in svg_texts(svg)


def test_leave_one_out_of_another_fit_is_refused(bcg):
    fit, _ = bcg
    other = generic_fit(4)
    with pytest.raises(ValueError, match="different studies"):
        leave_one_out_plot(leave_one_out(other), fit)


# Funnel plot


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_funnel_plot_draws_studies_and_contours(tmp_path, bcg, suffix):
    path = tmp_path / f"funnel.{suffix}"
    fig = funnel_plot(bcg[0], path)
    assert path.stat().st_size > 5_000
    ax = fig.axes[0]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # standard error axis inverted
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "95% pseudo-CI" in labels
    assert marks(fig) == {"studies": bcg[0].k}


def asymmetric_fit():
    from tests.analysis.stats.refs import arr, cases

    case = next(c for c in cases() if c["id"] == "synthetic_asymmetric_k40")
    es = case["measures"][0]["escalc"]
    return pool(arr(es["yi"]), arr(es["vi"]), measure="GEN")


def test_funnel_plot_shows_trim_and_fill_imputed_studies_and_both_tests():
    fit = asymmetric_fit()
    filled = trim_and_fill(fit)
    assert filled.k0 > 0
    egger, begg = egger_test(fit.yi, fit.vi), begg_test(fit.yi, fit.vi)
    fig = funnel_plot(fit, trimfill=filled, egger=egger, begg=begg)
    assert marks(fig) == {"studies": fit.k, "imputed": filled.k0}
    imputed = next(c for c in fig.axes[0].collections if c.get_gid() == "imputed")
    assert np.allclose(imputed.get_offsets()[:, 0], filled.filled_yi)
    assert (imputed.get_facecolors()[:, :3] == 1).all()  # open markers
    adjusted = [line for line in fig.axes[0].lines if line.get_label() == "Adjusted estimate"]
    assert adjusted[0].get_xdata()[0] == pytest.approx(filled.fit.estimate)
    drawn = texts(fig)
    assert f"Egger's regression test: t = {egger.t:.2f}, df = {egger.df}, " in " ".join(drawn)
    assert any(
        t.startswith(f"Begg's rank correlation test: Kendall's \u03c4 = {begg.tau:.3f}")
        for t in drawn
    )
    assert any(
        t.startswith(f"Trim-and-fill: {filled.k0} studies imputed on the {filled.side}")
        for t in drawn
    )
    render_both(fig)


def test_funnel_plot_says_when_trim_and_fill_imputes_nothing():
    from tests.analysis.stats.refs import arr, cases

    case = next(c for c in cases() if c["id"] == "normand1999")
    es = next(m for m in case["measures"] if m["measure"] == "MD")["escalc"]
    fit = pool(arr(es["yi"]), arr(es["vi"]), measure="MD")
    filled = trim_and_fill(fit)
    assert filled.k0 == 0
    with no_missing_glyphs():
        fig = funnel_plot(fit, trimfill=filled, title="漏斗图")
        render_both(fig)
    assert marks(fig) == {"studies": fit.k}
    assert any(t.startswith("Trim-and-fill: no studies imputed") for t in texts(fig))


def test_contour_enhanced_funnel_shades_significance_around_the_null(bcg):
    fit = bcg[0]
    fig = funnel_plot(fit, contour_enhanced=True)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:4] == ["p < 0.01", "0.01 \u2264 p < 0.05", "0.05 \u2264 p < 0.1", "p \u2265 0.1"]
    # The region of p >= 0.10 is centred on the null (log RR 0), not on the estimate.
    region = next(c for c in fig.axes[0].collections if c.get_label() == "p \u2265 0.1")
    xs = region.get_paths()[0].vertices[:, 0]
    assert xs.min() == pytest.approx(-xs.max())
    render_both(fig)


def test_funnel_of_a_ratio_measure_is_labelled_in_ratios(bcg):
    ax = funnel_plot(bcg[0]).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in labels
    assert ax.get_xlabel() == "Risk ratio (log scale)"


# Forest plots are saved with their own box (no "tight" measuring pass), so nothing may
# stick out of it: short labels under a long title, footer and favours labels.
@pytest.mark.parametrize("k", [1, 3, 50])
def test_forest_figures_contain_all_their_text(k):
    fit = generic_fit(k, [f"S{i}" for i in range(k)])
    figures = [
        forest_plot(
            fit,
            title="A long title for a small plot of very few short-named studies indeed",
            favours=("Favours the new long-named treatment", "Favours the usual control care"),
        ),
    ]
    if k >= 2:
        figures.append(leave_one_out_plot(leave_one_out(fit), fit))
    for fig in figures:
        fig.canvas.draw()
        box = fig.get_tightbbox()
        width, height = fig.get_size_inches()
        assert box.x0 >= -1e-6 and box.y0 >= -1e-6
        assert box.x1 <= width + 1e-6 and box.y1 <= height + 1e-6
