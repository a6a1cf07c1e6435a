#!/usr/bin/env python3
"""Generates the golden values of test/fixtures/golden/bench-metrics/ (run once, output committed).

References, none of them Pneuma code:
- scikit-learn (roc_auc_score, average_precision_score, mean_absolute_error,
  mean_absolute_percentage_error, LogisticRegression, Ridge, StandardScaler);
- DeLong's variance written from its definition with the P x N comparison matrix
  (DeLong, DeLong & Clarke-Pearson 1988), independent of the fast midrank algorithm;
- pROC's published example on its aSAH data set (roc(aSAH$outcome, aSAH$s100b): AUC 0.7314,
  95% CI 0.6301-0.8326 (DeLong)); the data rows are read from the CSV given with --asah.

Usage: /usr/bin/python3 bench/probe_golden_metrics.py --asah asah.csv --out test/fixtures/golden/bench-metrics
"""
import argparse
import csv
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
    ap.add_argument("--asah", required=True)
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

    rows = list(csv.DictReader(open(args.asah)))
    asah_y = [1 if r["outcome"] == "Poor" else 0 for r in rows]
    asah_s = [float(r["s100b"]) for r in rows]
    asah = {"labels": asah_y, "scores": asah_s,
            "published": {"auroc": 0.7314, "lower": 0.6301, "upper": 0.8326, "decimals": 4},
            "definition": {k2: float(v) for k2, v in delong_by_definition(asah_y, asah_s).items()}}

    t = rng.normal(3.0, 0.8, 50)
    p = t + rng.normal(0, 0.4, 50)
    regression = {"targets": t.tolist(), "predictions": p.tolist(),
                  "mae": float(mean_absolute_error(t, p)),
                  "mape": float(mean_absolute_percentage_error(t, p))}

    metrics = {"binary": cases, "macro": macro, "asah_s100b": asah, "regression": regression}

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
