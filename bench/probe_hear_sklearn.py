#!/usr/bin/env python3
"""Reference run of HeAR's linear-probe protocol with scikit-learn, for bench/probe-fidelity.ts.

Follows Google-Health/google-health health_acoustic_representations/eval_utils.py
(`train_linear_probe_with_participant_level_crossval`, use_sgd_classifier=False):
for every grid value C, for every participant fold, fit LogisticRegression(C, class_weight='balanced',
penalty='l2') on the fold's training rows and score the fold's held-out rows (AUROC of class 1;
macro one-vs-rest AUROC for more classes); pick the C with the best mean fold score (strict
improvement in grid order), refit on all training rows, score the test rows.
Two settings differ from eval_utils, as in Pneuma's probe: the participant folds are read from the
caller (fold index per training row, so both sides use the same folds), and with "standardize" the
features go through StandardScaler fitted on each fit's training rows. The solver runs to a tight
tolerance (tol 1e-10, max_iter 1e7) so both sides solve the same problem rather than stop early.

Usage: /usr/bin/python3 bench/probe_hear_sklearn.py DIR --out OUT.json
DIR holds x_trainval.npy, y_trainval.npy, folds.npy (fold index per row), x_test.npy, y_test.npy,
penalties.npy and hear.json ({"classes", "standardize"}).
"""
import argparse
import json
import os
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def metric(y, probs, classes):
    if classes == 2:
        return float(roc_auc_score(y, probs[:, 1]))
    return float(roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=list(range(classes))))


def probe(c, standardize):
    lr = LogisticRegression(C=c, class_weight="balanced", penalty="l2", tol=1e-10, max_iter=10_000_000)
    return make_pipeline(StandardScaler(), lr) if standardize else lr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    load = lambda name: np.load(os.path.join(args.dir, name))
    x, y, folds = load("x_trainval.npy").astype(np.float64), load("y_trainval.npy"), load("folds.npy")
    xt, yt, penalties = load("x_test.npy").astype(np.float64), load("y_test.npy"), load("penalties.npy")
    with open(os.path.join(args.dir, "hear.json")) as f:
        cfg = json.load(f)
    classes, standardize = cfg["classes"], cfg["standardize"]
    t0 = time.time()
    n_folds = int(folds.max()) + 1
    cv, unconverged = [], 0
    for c in penalties:
        scores = []
        for f in range(n_folds):
            tr, te = folds != f, folds == f
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                m = probe(c, standardize).fit(x[tr], y[tr])
            unconverged += sum(issubclass(w.category, ConvergenceWarning) for w in caught)
            scores.append(metric(y[te], m.predict_proba(x[te]), classes))
        cv.append({"penalty": float(c), "mean": float(np.mean(scores)), "folds": scores})
    best = 0
    for i in range(1, len(cv)):
        if cv[i]["mean"] > cv[best]["mean"]:
            best = i
    m = probe(penalties[best], standardize).fit(x, y)
    probs = m.predict_proba(xt)
    out = {"sklearn": sklearn.__version__, "best_penalty": float(penalties[best]), "cv": cv,
           "test_auroc": metric(yt, probs, classes), "test_probabilities": probs.tolist(),
           "convergence_warnings": unconverged, "seconds": time.time() - t0}
    with open(args.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
