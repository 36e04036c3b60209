"""Risk-of-bias traffic-light and summary plots drawn from plain data."""

from collections import Counter
from decimal import Decimal

import pytest

from rob.plots import summary_plot, traffic_light_plot
from tests.figures import marks, no_missing_glyphs, render_both, svg_texts, texts

ROB2 = [
    {"id": "D1", "name": "Bias arising from the randomization process"},
    {"id": "D2", "name": "Bias due to deviations from intended interventions"},
    {"id": "D3", "name": "Bias due to missing outcome data"},
    {"id": "D4", "name": "Bias in measurement of the outcome"},
    {"id": "D5", "name": "Bias in selection of the reported result"},
]
ROBINS_I = [
    ("D1", "Bias due to confounding"),
    ("D2", "Bias due to selection of participants"),
    ("D3", "Bias in classification of interventions"),
    ("D4", "Bias due to deviations from intended interventions"),
    ("D5", "Bias due to missing data"),
    ("D6", "Bias in measurement of outcomes"),
    ("D7", "Bias in selection of the reported result"),
]
ROB1 = [
    ("A", "Random sequence generation (selection bias)"),
    ("B", "Allocation concealment (selection bias)"),
    ("C", "Blinding of participants and personnel (performance bias)"),
]
NOS = [("S", "Selection"), ("C", "Comparability"), ("O", "Outcome")]
SCALES = {
    "rob2": ["low", "some_concerns", "high", "no_information"],
    "robins_i": ["low", "moderate", "serious", "critical", "no_information"],
    "rob1": ["low", "unclear", "high"],
    "nos": ["good", "fair", "poor"],
}
DOMAINS = {"rob2": ROB2, "robins_i": ROBINS_I, "rob1": ROB1, "nos": NOS}


def ids(domains):
    return [d["id"] if isinstance(d, dict) else d[0] for d in domains]


def make_studies(tool, n, *, overall=True, label="Study {}"):
    scale, domain_ids = SCALES[tool], ids(DOMAINS[tool])
    return [
        {
            "label": label.format(i + 1),
            "judgements": {d: scale[(i * 3 + j) % len(scale)] for j, d in enumerate(domain_ids)},
            **({"overall": scale[i % len(scale)]} if overall else {}),
            "weight": 1.0 + i,
        }
        for i in range(n)
    ]


def drawn_marks(fig):
    return {gid[4:]: n for gid, n in marks(fig).items() if not gid.startswith("rob-key")}


@pytest.mark.parametrize("tool", ["rob2", "robins_i", "rob1", "nos"])
def test_traffic_light_draws_one_mark_per_judgement_for_each_tool(tool):
    studies = make_studies(tool, 6)
    fig = traffic_light_plot(tool=tool, domains=DOMAINS[tool], studies=studies)
    expected = Counter(j for s in studies for j in [*s["judgements"].values(), s["overall"]])
    assert drawn_marks(fig) == dict(expected)
    svg, _ = render_both(fig)
    found = svg_texts(svg)
    for study in studies:
        assert study["label"] in found
    for domain_id in [*ids(DOMAINS[tool]), "Overall"]:
        assert domain_id in found
    # The legend: each domain's name, and every judgement of the tool's scale.
    for domain in DOMAINS[tool]:
        d_id, name = (domain["id"], domain["name"]) if isinstance(domain, dict) else domain
        assert f"{d_id}: {name}" in found
    key = {gid[len("rob-key-") :] for gid in marks(fig) if gid.startswith("rob-key-")}
    assert key == set(SCALES[tool])


def test_robins_i_labels_its_own_scale():
    fig = traffic_light_plot(tool="robins_i", domains=ROBINS_I, studies=make_studies("robins_i", 5))
    drawn = texts(fig)
    for label in ("Low", "Moderate", "Serious", "Critical", "No information"):
        assert label in drawn
    assert "Some concerns" not in drawn


def test_missing_judgements_are_empty_rings_and_keyed_as_not_assessed():
    studies = make_studies("rob2", 3)
    studies[0]["judgements"]["D2"] = None
    del studies[1]["judgements"]["D5"]
    studies[2]["overall"] = ""
    fig = traffic_light_plot(tool="rob2", domains=ROB2, studies=studies)
    assert drawn_marks(fig)["not_assessed"] == 3
    assert "Not assessed" in texts(fig)


def test_without_overall_judgements_there_is_no_overall_column():
    fig = traffic_light_plot(
        tool="rob2", domains=ROB2, studies=make_studies("rob2", 4, overall=False)
    )
    assert "Overall" not in texts(fig)
    assert sum(drawn_marks(fig).values()) == 4 * len(ROB2)


def test_one_and_fifty_studies():
    one = traffic_light_plot(tool="rob2", domains=ROB2, studies=make_studies("rob2", 1))
    fifty = traffic_light_plot(tool="rob2", domains=ROB2, studies=make_studies("rob2", 50))
    assert sum(drawn_marks(one).values()) == 6
    assert sum(drawn_marks(fifty).values()) == 300
    assert fifty.get_figheight() > one.get_figheight() + 49 * 0.25
    svg, _ = render_both(fifty)
    found = svg_texts(svg)
    assert all(f"Study {i}" in found for i in range(1, 51))
    render_both(one)


def test_long_labels_are_shortened_and_chinese_draws_without_missing_glyphs():
    studies = make_studies("rob2", 3)
    studies[0]["label"] = "张三等 2020（随机对照试验）"
    studies[1]["label"] = "A cluster randomised trial with an extremely long label, " * 3
    domains = [{**ROB2[0], "name": "随机化过程中的偏倚"}, *ROB2[1:]]
    with no_missing_glyphs():
        fig = traffic_light_plot(tool="rob2", domains=domains, studies=studies, title="偏倚风险")
        svg, _ = render_both(fig)
        summary = summary_plot(tool="rob2", domains=domains, studies=studies)
        render_both(summary)
    found = svg_texts(svg)
    assert "张三等 2020（随机对照试验）" in found and "D1: 随机化过程中的偏倚" in found
    shortened = next(t for t in found if t.startswith("A cluster randomised"))
    assert shortened.endswith("\u2026") and len(shortened) < len(studies[1]["label"])
    assert fig.get_figwidth() < 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s[0]["judgements"].update(D1="moderate"), "study 'Study 1', domain 'D1': "
         "'moderate' is not a RoB 2 judgement"),
        (lambda s: s[1].update(overall="critical"), "study 'Study 2', overall: 'critical'"),
        (lambda s: s[2]["judgements"].update(D9="low"), "study 'Study 3': unknown domain 'D9'"),
        (lambda s: s[0].update(label="  "), r"studies\[0\]: missing label"),
        (lambda s: s.clear(), "no studies to plot"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_the_place_named(change, message):
    studies = make_studies("rob2", 3)
    change(studies)
    with pytest.raises(ValueError, match=message):
        traffic_light_plot(tool="rob2", domains=ROB2, studies=studies)


def test_an_unknown_tool_is_refused():
    with pytest.raises(ValueError, match="unknown risk-of-bias tool 'rob3'"):
        traffic_light_plot(tool="rob3", domains=ROB2, studies=make_studies("rob2", 1))


def bar_widths(fig):
    """{judgement: [width of its segment in each domain's bar, top to bottom]}."""
    ax = fig.axes[0]
    found = {}
    for patch in ax.patches:
        gid = patch.get_gid() or ""
        if gid.startswith("summary-"):
            found.setdefault(gid[len("summary-") :], []).append((patch.get_y(), patch.get_width()))
    return {j: [w for _, w in sorted(bars)] for j, bars in found.items()}


def expected_shares(studies, domain_ids, weighted):
    shares = {}
    total = sum(s["weight"] if weighted else 1 for s in studies)
    for row, d in enumerate([*domain_ids, "overall"]):
        for s in studies:
            j = s["overall"] if d == "overall" else s["judgements"].get(d)
            share = shares.setdefault(j or "not_assessed", [0.0] * (len(domain_ids) + 1))
            share[row] += 100 * (s["weight"] if weighted else 1) / total
    return shares


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("tool", ["rob2", "robins_i", "rob1", "nos"])
def test_summary_bars_are_the_share_of_studies_or_weight_at_each_judgement(tool, weighted):
    studies = make_studies(tool, 7)
    studies[0]["judgements"][ids(DOMAINS[tool])[0]] = None
    fig = summary_plot(tool=tool, domains=DOMAINS[tool], studies=studies, weighted=weighted)
    widths = bar_widths(fig)
    expected = expected_shares(studies, ids(DOMAINS[tool]), weighted)
    assert set(widths) == set(SCALES[tool]) | {"not_assessed"}
    for judgement, shares in widths.items():
        assert shares == pytest.approx(expected.get(judgement, [0.0] * len(shares)))
    bars = [sum(col) for col in zip(*widths.values(), strict=True)]
    assert bars == pytest.approx([100.0] * (len(DOMAINS[tool]) + 1))
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Overall risk of bias"
    assert ax.get_yticklabels()[-1].get_fontweight() == "bold"
    assert ax.get_xlabel() == ("Share of the studies' weight" if weighted else "Share of studies")
    render_both(fig)


def test_summary_prints_the_larger_shares_on_their_segments():
    studies = make_studies("rob2", 4)
    for s in studies:
        s["judgements"]["D1"] = "low"
    fig = summary_plot(tool="rob2", domains=ROB2, studies=studies)
    assert "100%" in [t.get_text() for t in fig.axes[0].texts]


def test_weighted_summary_needs_every_weight():
    studies = make_studies("rob2", 3)
    studies[1]["weight"] = None
    with pytest.raises(ValueError, match="study 'Study 2': weight must be a positive number"):
        summary_plot(tool="rob2", domains=ROB2, studies=studies, weighted=True)
    summary_plot(tool="rob2", domains=ROB2, studies=studies)  # unweighted ignores weights
    studies[1]["weight"] = Decimal("2.5")
    fig = summary_plot(tool="rob2", domains=ROB2, studies=studies, weighted=True)
    assert sum(sum(w) for w in bar_widths(fig).values()) == pytest.approx(100 * (len(ROB2) + 1))


def test_plots_save_to_svg_and_png(tmp_path):
    studies = make_studies("rob2", 5)
    for name in ("traffic.svg", "traffic.png"):
        traffic_light_plot(tool="rob2", domains=ROB2, studies=studies, path=tmp_path / name)
        assert (tmp_path / name).stat().st_size > 5_000
    summary_plot(tool="rob2", domains=ROB2, studies=studies, path=tmp_path / "summary.svg")
    assert "<svg" in (tmp_path / "summary.svg").read_text()
