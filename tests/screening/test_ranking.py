"""The relevance model alone (screening/ranking.py): no database."""

import csv
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from screening import ranking

TRIPTANS = Path(__file__).resolve().parents[1] / "fixtures/screening/triptans_40.csv"

ACNE = [
    "Autologous fat grafting for atrophic acne scars: a randomised trial",
    "Fat grafting improves acne scars in a split-face trial",
    "Microfat injection for depressed acne scars: a controlled trial",
]
OTHER = [
    "Platelet-rich plasma injections for knee osteoarthritis",
    "Cognitive behavioural therapy for insomnia in adolescents",
    "Mediterranean diet and cardiovascular events in older adults",
    "Vitamin D supplementation and fracture risk",
    "Mindfulness-based stress reduction for nurses",
]


def test_includes_rank_above_excludes():
    texts = [ACNE[0], OTHER[0], OTHER[1], ACNE[1], OTHER[2], ACNE[2], OTHER[3], OTHER[4]]
    labels = [1, 0, 0, None, None, None, None, None]

    scores = ranking.rank(texts, labels)

    unlabelled = {text: scores[i] for i, text in enumerate(texts) if labels[i] is None}
    assert min(unlabelled[t] for t in ACNE[1:]) > max(unlabelled[t] for t in OTHER[2:])


def test_scores_every_text_between_0_and_1():
    texts = [*ACNE, *OTHER]
    scores = ranking.rank(texts, [1, None, None, 0, None, None, None, None])

    assert scores.shape == (len(texts),)
    assert ((scores >= 0) & (scores <= 1)).all()


@pytest.mark.parametrize("classifier", ranking.CLASSIFIERS)
def test_learns_from_real_records(classifier):
    with TRIPTANS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [" ".join([r["title"], r["abstract"], r["keywords"]]) for r in rows]
    truth = [int(r["label_included"]) for r in rows]
    included = [i for i, label in enumerate(truth) if label]
    excluded = [i for i, label in enumerate(truth) if not label]
    known = set(included[:3] + excluded[:10])
    labels = [truth[i] if i in known else None for i in range(len(rows))]

    scores = ranking.rank(texts, labels, classifier=classifier)

    rest = [i for i in range(len(rows)) if i not in known]
    assert roc_auc_score([truth[i] for i in rest], scores[rest]) > 0.9


def test_chinese_titles_make_features():
    texts = [
        "自体脂肪移植治疗痤疮瘢痕的随机对照试验",
        "点阵激光治疗痤疮瘢痕",
        "膝骨关节炎的富血小板血浆注射",
    ]

    matrix = ranking.features(texts)

    # Characters and character pairs, shared across the records that share words.
    assert matrix.shape == (3, matrix.shape[1]) and matrix.shape[1] > 20
    assert (matrix[0].multiply(matrix[1])).sum() > 0
    assert (matrix[1].multiply(matrix[2])).sum() == 0


def test_chinese_records_rank_by_topic():
    texts = [
        "自体脂肪移植治疗痤疮瘢痕的随机对照试验",
        "膝骨关节炎的富血小板血浆注射",
        "脂肪移植改善痤疮瘢痕",
        "青少年失眠的认知行为治疗",
    ]
    scores = ranking.rank(texts, [1, 0, None, None])

    assert scores[2] > scores[3]


def test_mixed_script_words_are_split():
    matrix = ranking.features(["acne痤疮 scars", "acne treatment"])

    # "acne" is a term of both texts although the first has no space before its Chinese.
    assert (matrix[0].multiply(matrix[1])).sum() > 0


def test_is_deterministic():
    texts = [*ACNE, *OTHER]
    labels = [1, None, 1, 0, 0, None, None, None]

    assert np.array_equal(ranking.rank(texts, labels), ranking.rank(texts, labels))


@pytest.mark.parametrize("labels", [[1, 1, None], [0, None, None], [None, None, None]])
def test_refuses_one_class(labels):
    with pytest.raises(ValueError, match="one included and one excluded"):
        ranking.rank(ACNE, labels)


def test_refuses_mismatched_labels():
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        ranking.rank(ACNE, [1, 0])


@pytest.mark.parametrize(
    ("settled", "step"), [(2, 10), (100, 10), (200, 10), (201, 11), (1_000, 50), (20_000, 1_000)]
)
def test_retrains_every_10_then_every_5_percent(settled, step):
    assert ranking.retrain_step(settled) == step
