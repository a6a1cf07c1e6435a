#!/usr/bin/env python3
"""Generates the golden values of test/fixtures/golden/bench-metrics/ (run once, output committed).

References, none of them Pneuma code:
- scikit-learn (roc_auc_score, average_precision_score, mean_absolute_error,
  mean_absolute_percentage_error, LogisticRegression, Ridge, StandardScaler);
- DeLong's variance written from its definition with the P x N comparison matrix
  (DeLong, DeLong & Clarke-Pearson 1988), independent of the fast midrank algorithm;
- the same variance from DeLong's structural components computed by counting in sorted arrays
  (no comparison matrix), on a seeded synthetic case with ties.

Usage: /usr/bin/python3 bench/probe_golden_metrics.py --out test/fixtures/golden/bench-metrics
"""
import argparse
import json
import os
import platform

import numpy as np
import scipy
import sklearn
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (average_precision_score, mean_absolute_error,
                             mean_absolute_percentage_error, roc_auc_score)
from sklearn.preprocessing import StandardScaler


def delong_by_definition(labels, scores, confidence=0.95):
    labels = np.asarray(labels) == 1
    scores = np.asarray(scores, dtype=float)
    x, y = scores[labels], scores[~labels]
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    auc = psi.mean()
    var = psi.mean(axis=1).var(ddof=1) / len(x) + psi.mean(axis=0).var(ddof=1) / len(y)
    z = norm.ppf(1 - (1 - confidence) / 2)
    se = np.sqrt(var)
    return {"auroc": auc, "variance": var, "lower": max(0.0, auc - z * se), "upper": min(1.0, auc + z * se)}


def delong_structural_components(labels, scores, confidence=0.95):
    """DeLong's structural components by counting in sorted arrays (m positives x_i, n negatives y_j):
    V10(x_i) = (#{j: y_j < x_i} + 1/2 #{j: y_j = x_i}) / n,  V01(y_j) = (#{i: x_i > y_j} + 1/2 #{i: x_i = y_j}) / m,
    AUC = mean V10, S10 = sum (V10 - AUC)^2 / (m - 1), S01 = sum (V01 - AUC)^2 / (n - 1),
    var = S10 / m + S01 / n; 95 % CI AUC -/+ z sqrt(var), clipped to [0, 1]."""
    labels = np.asarray(labels) == 1
    scores = np.asarray(scores, dtype=float)
    x, y = np.sort(scores[labels]), np.sort(scores[~labels])
    m, n = len(x), len(y)
    y_below = np.searchsorted(y, x, side="left")
    y_tied = np.searchsorted(y, x, side="right") - y_below
    v10 = (y_below + 0.5 * y_tied) / n
    x_above = m - np.searchsorted(x, y, side="right")
    x_tied = np.searchsorted(x, y, side="right") - np.searchsorted(x, y, side="left")
    v01 = (x_above + 0.5 * x_tied) / m
    auc = v10.sum() / m
    s10 = ((v10 - auc) ** 2).sum() / (m - 1)
    s01 = ((v01 - auc) ** 2).sum() / (n - 1)
    var = s10 / m + s01 / n
    z = norm.ppf(1 - (1 - confidence) / 2)
    se = np.sqrt(var)
    return {"auroc": auc, "variance": var, "lower": max(0.0, auc - z * se), "upper": min(1.0, auc + z * se)}


def binary_case(name, labels, scores):
    labels = np.asarray(labels, dtype=int)
    scores = np.asarray(scores, dtype=float)
    return {
        "name": name,
        "labels": labels.tolist(),
        "scores": scores.tolist(),
        "auroc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
        "delong95": {k: float(v) for k, v in delong_by_definition(labels, scores).items()},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = np.random.default_rng(20240611)

    cases = []
    cases.append(binary_case("hand", [0, 0, 1, 1, 0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9]))
    y = (rng.random(60) < 0.4).astype(int)
    s = np.clip(np.round(rng.normal(1.5 * y, 1.0)), -2, 4)  # seven distinct values: heavy ties
    cases.append(binary_case("integer_scores_heavy_ties", y, s))
    y = (rng.random(80) < 0.25).astype(int)
    s = rng.normal(0.8 * y, 1.0)
    cases.append(binary_case("continuous_imbalanced", y, s))

    k = 4
    yk = rng.integers(0, k, 90)
    logits = np.clip(np.round(rng.normal(0, 1, (90, k)) + 1.2 * np.eye(k)[yk]), -1, 2)  # repeated rows: ties
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    macro = {"labels": yk.tolist(), "scores": probs.tolist(),
             "macro_auroc": float(roc_auc_score(yk, probs, multi_class="ovr", average="macro", labels=list(range(k))))}

    # DeLong on 113 rows with a skewed, two-decimal biomarker-like score (many ties), from its own generator
    # so the draws above and below stay as they were
    rng_d = np.random.default_rng(20240612)
    d_y = (rng_d.random(113) < 0.36).astype(int)
    d_s = np.round(np.exp(rng_d.normal(np.where(d_y == 1, -1.6, -2.2), 0.7)), 2)
    structural = delong_structural_components(d_y, d_s)
    definition = delong_by_definition(d_y, d_s)
    for key in structural:
        assert abs(structural[key] - definition[key]) < 1e-15, (key, structural[key], definition[key])
    assert abs(structural["auroc"] - roc_auc_score(d_y, d_s)) < 1e-15
    delong_synthetic = {"labels": d_y.tolist(), "scores": d_s.tolist(), "seed": 20240612,
                        "distinct_scores": int(len(np.unique(d_s))),
                        "structural_components": {k2: float(v) for k2, v in structural.items()}}

    t = rng.normal(3.0, 0.8, 50)
    p = t + rng.normal(0, 0.4, 50)
    regression = {"targets": t.tolist(), "predictions": p.tolist(),
                  "mae": float(mean_absolute_error(t, p)),
                  "mape": float(mean_absolute_percentage_error(t, p))}

    metrics = {"binary": cases, "macro": macro, "delong_synthetic": delong_synthetic, "regression": regression}

    probes = {}
    n, d = 80, 5
    x = rng.normal(0, 1, (n, d)) * np.array([1.0, 3.0, 0.2, 10.0, 1.0]) + np.array([0, 5, -1, 2, 0])
    yb = ((x[:, 0] + 0.3 * x[:, 1] - 2 * x[:, 2] + rng.normal(0, 1.0, n)) > 2.0).astype(int)
    xt = rng.normal(0, 1, (20, d)) * np.array([1.0, 3.0, 0.2, 10.0, 1.0]) + np.array([0, 5, -1, 2, 0])
    sc = StandardScaler().fit(x)
    lr = LogisticRegression(C=0.7, class_weight="balanced", penalty="l2", tol=1e-12, max_iter=1_000_000).fit(sc.transform(x), yb)
    probes["logistic_binary"] = {"x": x.tolist(), "y": yb.tolist(), "x_test": xt.tolist(), "C": 0.7,
                                 "coef": lr.coef_.ravel().tolist(), "intercept": lr.intercept_.tolist(),
                                 "proba_test": lr.predict_proba(sc.transform(xt)).tolist()}
    y3 = np.argmax(x[:, :3] * np.array([1.0, 0.3, -2.0]) + rng.normal(0, 1.0, (n, 3)), axis=1)
    lr3 = LogisticRegression(C=2.0, class_weight="balanced", penalty="l2", tol=1e-12, max_iter=1_000_000).fit(sc.transform(x), y3)
    probes["logistic_multinomial"] = {"x": x.tolist(), "y": y3.tolist(), "x_test": xt.tolist(), "C": 2.0,
                                      "coef": lr3.coef_.tolist(), "intercept": lr3.intercept_.tolist(),
                                      "proba_test": lr3.predict_proba(sc.transform(xt)).tolist()}
    yr = x @ np.array([0.5, -0.2, 3.0, 0.05, 0.0]) + rng.normal(0, 0.3, n)
    rd = Ridge(alpha=2.5).fit(sc.transform(x), yr)
    probes["ridge_primal"] = {"x": x.tolist(), "y": yr.tolist(), "x_test": xt.tolist(), "alpha": 2.5,
                              "coef": rd.coef_.tolist(), "intercept": float(rd.intercept_),
                              "predict_test": rd.predict(sc.transform(xt)).tolist()}
    xw = rng.normal(0, 1, (12, 30))
    yw = xw[:, 0] - xw[:, 1] + rng.normal(0, 0.1, 12)
    xwt = rng.normal(0, 1, (4, 30))
    scw = StandardScaler().fit(xw)
    rdw = Ridge(alpha=0.3).fit(scw.transform(xw), yw)
    probes["ridge_dual"] = {"x": xw.tolist(), "y": yw.tolist(), "x_test": xwt.tolist(), "alpha": 0.3,
                            "coef": rdw.coef_.tolist(), "intercept": float(rdw.intercept_),
                            "predict_test": rdw.predict(scw.transform(xwt)).tolist()}

    versions = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                "sklearn": sklearn.__version__, "generator": "bench/probe_golden_metrics.py", "seed": 20240611}
    os.makedirs(args.out, exist_ok=True)
    for name, obj in (("metrics.json", metrics), ("probes.json", probes)):
        with open(os.path.join(args.out, name), "w") as f:
            json.dump({"versions": versions, **obj}, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
