#!/usr/bin/env python3
"""Reference run of OPERA's linear-probe protocol in PyTorch, for bench/probe-fidelity.ts.

The loop is the one PyTorch Lightning 2.2 runs for OPERA's `LinearHead` (evelyn0414/OPERA at
3622310, src/benchmark/linear_eval.py + src/model/models_eval.py), written out by hand because
Lightning is not installed here:
  per epoch e: lr = 1e-4 * 0.97**e (DecayLearningRate); for each shuffled batch:
    loss = CrossEntropy(head(x) + 1e-10, y) + l2 * sum(p**2 for p in head.parameters())
    zero_grad; backward; clip_grad_norm_(head.parameters(), clip)  (gradient_clip_val, "norm")
    Adam.step()
  after the epoch: validation AUROC of softmax probabilities (binary: class 1; else macro one-vs-rest,
  the torchmetrics definition); ModelCheckpoint(monitor valid_auc, mode max, every_n_epochs) keeps the
  head of the best saved epoch (strict improvement, so ties keep the earliest); the test AUROC is that
  head's.
Modes:
  independent  seeds from config; torch.manual_seed / np.random.seed per seed, nn.Linear then
               weights_init (N(0, 0.01), bias 0), DataLoader(shuffle=True): PyTorch's own streams, float32.
  replay       the initial head and the per-epoch row orders come from files written by the caller
               (init_weight.npy [S,C,D], init_bias.npy [S,C], orders.npy [S,E,N]); float64 or float32;
               the selected head of every run is written out as well.

Usage: /usr/bin/python3 bench/probe_opera_torch.py DIR --mode independent|replay [--dtype float64] --out OUT.json
DIR holds x_train.npy, y_train.npy, x_val.npy, y_val.npy, x_test.npy, y_test.npy and opera.json
({"classes", "epochs", "batch_size", "l2", "checkpoint_every", "seeds", "lr", "decay", "clip"}).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def auroc(y, probs):
    if probs.shape[1] == 2:
        return float(roc_auc_score(y, probs[:, 1]))
    return float(roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=list(range(probs.shape[1]))))


def run(data, cfg, dtype, init=None, orders=None, seed=0):
    xtr, ytr, xva, yva, xte, yte = data
    d, c = xtr.shape[1], cfg["classes"]
    if init is None:
        np.random.seed(seed)
        torch.manual_seed(seed)
        head = nn.Linear(d, c)
        head.weight.data.normal_(mean=0.0, std=0.01)
        head.bias.data.zero_()
    else:
        head = nn.Linear(d, c)
        head.weight.data = torch.tensor(init[0])
        head.bias.data = torch.tensor(init[1])
    head = head.to(dtype)
    opt = torch.optim.Adam(head.parameters(), lr=cfg["lr"])
    loss_fn = nn.CrossEntropyLoss()
    xtr_t, ytr_t = torch.tensor(xtr, dtype=dtype), torch.tensor(ytr, dtype=torch.long)
    xva_t, xte_t = torch.tensor(xva, dtype=dtype), torch.tensor(xte, dtype=dtype)
    loader = DataLoader(TensorDataset(xtr_t, ytr_t), batch_size=cfg["batch_size"], shuffle=True) if orders is None else None
    best, best_epoch, best_state, curve = -np.inf, -1, None, []
    for e in range(cfg["epochs"]):
        for g in opt.param_groups:
            g["lr"] = cfg["lr"] * cfg["decay"] ** e
        if orders is None:
            batches = iter(loader)
        else:
            order = torch.tensor(orders[e], dtype=torch.long)
            batches = ((xtr_t[order[s:s + cfg["batch_size"]]], ytr_t[order[s:s + cfg["batch_size"]]])
                       for s in range(0, len(order), cfg["batch_size"]))
        for xb, yb in batches:
            opt.zero_grad()
            loss = loss_fn(head(xb) + 1e-10, yb)
            l2 = 0
            for p in head.parameters():
                l2 = l2 + p.pow(2).sum()
            loss = loss + cfg["l2"] * l2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head.parameters(), cfg["clip"])
            opt.step()
        with torch.no_grad():
            metric = auroc(yva, torch.softmax(head(xva_t), dim=1).double().numpy())
        curve.append(metric)
        if (e + 1) % cfg["checkpoint_every"] == 0 and metric > best:
            best, best_epoch = metric, e
            best_state = {k: v.clone() for k, v in head.state_dict().items()}
    head.load_state_dict(best_state)
    with torch.no_grad():
        test = auroc(yte, torch.softmax(head(xte_t), dim=1).double().numpy())
    out = {"seed": seed, "test_auroc": test, "best_epoch": best_epoch, "best_val_auroc": best, "val_curve": curve}
    if orders is not None:
        out["best_weight"] = best_state["weight"].double().numpy().ravel().tolist()
        out["best_bias"] = best_state["bias"].double().numpy().tolist()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--mode", choices=["independent", "replay"], required=True)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    load = lambda name: np.load(os.path.join(args.dir, name))
    data = tuple(load(f"{a}_{b}.npy") for b in ("train", "val", "test") for a in ("x", "y"))
    data = (data[0], data[1], data[2], data[3], data[4], data[5])
    with open(os.path.join(args.dir, "opera.json")) as f:
        cfg = json.load(f)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    t0 = time.time()
    runs = []
    if args.mode == "independent":
        for seed in cfg["seeds"]:
            runs.append(run(data, cfg, dtype, seed=seed))
    else:
        w, b, orders = load("init_weight.npy"), load("init_bias.npy"), load("orders.npy")
        for i, seed in enumerate(cfg["seeds"]):
            runs.append(run(data, cfg, dtype, init=(w[i], b[i]), orders=orders[i], seed=seed))
    tests = [r["test_auroc"] for r in runs]
    out = {"mode": args.mode, "dtype": args.dtype, "torch": torch.__version__, "runs": runs,
           "mean": float(np.mean(tests)), "std": float(np.std(tests)), "seconds": time.time() - t0}
    with open(args.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
