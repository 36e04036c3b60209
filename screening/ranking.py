"""Relevance ranking for prioritised screening: which unscreened records are most likely to be
included, learnt from the records already settled. Pure: numpy and scikit-learn, no Django.

The method is active learning as in ASReview (van de Schoot et al. 2021, Nat Mach Intell
3:125): features from every record's text (TF-IDF, fitted on all records, labelled or not), a
linear classifier trained on the labelled ones, and the records scored by their probability of
inclusion; the model is retrained as labels arrive (`retrain_step`).
"""

# scikit-learn is imported where it is used: the web processes import this module for
# `retrain_step` on every decision, and loading scikit-learn would cost each of them about
# 100 MB and a second or more of start-up for work only the Celery worker does.

from collections.abc import Sequence

import numpy as np
from scipy import sparse

# Chinese and Japanese are written without spaces, so the default token pattern would make a
# whole clause one "word" seen in no other record. Each CJK character is a token instead, and
# the word bigrams below then pair neighbouring characters (the usual character bigrams for
# Chinese retrieval). Other scripts keep scikit-learn's rule: runs of two or more letters.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_PATTERN = rf"[{_CJK}]|[^\W{_CJK}]{{2,}}"

# Terms seen in a single record cannot help score any other, and dropping them keeps a
# 100,000-record vocabulary (with bigrams) to a fraction of its size; tiny reviews keep them
# all so that their first rankings have something to learn from.
MIN_DF_FROM = 1_000

# The default, chosen on bench/bench_ranking.py (bench/RESULTS.md, "Screening prioritisation",
# two SYNERGY sets, the same 5 priors for every model, ASReview LAB 3.0.8's default run beside
# them): a linear SVM found 95% of the includes soonest on Kitchenham (WSS@95 0.680 vs 0.658
# for logistic regression and 0.674 for ASReview's default) and tied logistic on Triptans
# (0.586 vs 0.587; ASReview 0.578). The margins are small, inside the seed-to-seed range.
# An earlier run (10 priors) found logistic ahead of naive Bayes (0.601 vs 0.571, 0.660 vs
# 0.657) and character 3-5-grams no help (0.601 vs 0.601, 0.651 vs 0.660).
DEFAULT_CLASSIFIER = "svm"

CLASSIFIERS = ("logistic", "naive_bayes", "svm")


def _classifier(name: str):
    if name == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=1000, random_state=0)
    if name == "naive_bayes":
        # ASReview's default (asreview.models.classifiers.NaiveBayesClassifier); the balanced
        # weights in `scores` stand in for its "double" balancing of the training set.
        from sklearn.naive_bayes import MultinomialNB

        return MultinomialNB(alpha=3.822)
    if name == "svm":
        # A linear SVM, as ASReview LAB 2-3's default ("ELAS u4": C = 0.11, squared hinge,
        # tuned by its authors on the SYNERGY sets); its margin is mapped into [0, 1] below.
        from sklearn.svm import LinearSVC

        return LinearSVC(C=0.11, random_state=0)
    raise ValueError(f"No classifier “{name}”; use one of {CLASSIFIERS}.")


def features(texts: Sequence[str]) -> sparse.csr_matrix:
    """TF-IDF of word unigrams and bigrams (sublinear term frequency) for every text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        token_pattern=TOKEN_PATTERN,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2 if len(texts) >= MIN_DF_FROM else 1,
        dtype=np.float32,
    )
    return vectoriser.fit_transform(texts)


def scores(
    matrix: sparse.csr_matrix,
    labels: Sequence[int | None],
    *,
    classifier: str = DEFAULT_CLASSIFIER,
) -> np.ndarray:
    """Probability of inclusion for every row of `matrix` (labelled rows too), in [0, 1].

    `labels` holds 1 (included), 0 (excluded) or None (not settled) per row. Raises
    ValueError unless at least one row is included and one excluded.
    """
    labelled = np.array([label is not None for label in labels])
    y = np.array([label for label in labels if label is not None], dtype=int)
    if not (y == 1).any() or not (y == 0).any():
        raise ValueError("Ranking needs at least one included and one excluded record.")
    from sklearn.utils.class_weight import compute_sample_weight

    model = _classifier(classifier)
    # Includes are rare (often 1-5% of a search): weighting both classes to the same total, as
    # class_weight="balanced" does, keeps the model from learning to call everything excluded.
    model.fit(matrix[labelled], y, sample_weight=compute_sample_weight("balanced", y))
    if not hasattr(model, "predict_proba"):
        from scipy.special import expit

        # The SVM's signed distance from its margin, squashed: same order, in [0, 1].
        return expit(model.decision_function(matrix))
    return model.predict_proba(matrix)[:, list(model.classes_).index(1)]


def rank(
    texts: Sequence[str], labels: Sequence[int | None], *, classifier: str = DEFAULT_CLASSIFIER
) -> np.ndarray:
    """Scores in [0, 1] for every text, higher meaning more likely to be included."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
    return scores(features(texts), labels, classifier=classifier)


def retrain_step(settled: int) -> int:
    """How many more settled records call for a new model: every 10 at first, then every 5%,
    so screening a whole 100,000-record review retrains about 150 times, not 10,000."""
    return max(10, -(-settled * 5 // 100))
