#!/usr/bin/env python3
"""Convert OPERA's committed downstream file lists, labels and splits (.npy) into the CSV files
under src/data/splits/. Run with the Debian interpreter (numpy):

    /usr/bin/python3 bench/data/opera_splits_to_csv.py <opera-checkout> src/data/splits

<opera-checkout> is a working tree of evelyn0414/OPERA at commit
3622310e667afb8aa40169050b4dd45de75946a2 (it needs `feature/` and `datasets/`). Each CSV row joins one
index of OPERA's index-aligned arrays; `opera_index` is that index. Paths drop OPERA's
`datasets/<name>/` prefix so they are relative to the dataset root as downloaded.
"""
import csv
import os
import sys

import numpy as np


def load(root, rel):
    return np.load(os.path.join(root, rel), allow_pickle=True)


def write(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)
    print(f"{path}: {len(rows)} rows")


def strip_prefix(path, prefix):
    if not path.startswith(prefix):
        raise SystemExit(f"{path!r} does not start with {prefix!r}")
    return path[len(prefix):]


def ukcovid(root, out):
    rows = []
    for modality in ("exhalation", "cough"):
        files = load(root, f"feature/coviduk_eval/sound_dir_loc_{modality}.npy")
        split = load(root, f"feature/coviduk_eval/split_{modality}.npy")
        label = load(root, f"feature/coviduk_eval/label_{modality}.npy")
        for i, (f, s, y) in enumerate(zip(files, split, label)):
            rows.append([modality, i, strip_prefix(str(f), "datasets/covidUK/audio_selected/"), str(s), int(y)])
    write(os.path.join(out, "opera_t1_t2_ukcovid.csv"), ["modality", "opera_index", "file", "split", "label"], rows)


def coughvid(root, out):
    lists = {name: [str(u) for u in load(root, f"datasets/coughvid/coughvid_{name}_uuids.npy")]
             for name in ("_train", "_val", "covid_test", "gender_test")}
    known = set(lists["_train"]) | set(lists["_val"]) | set(lists["gender_test"])
    # OPERA's coughvid_wav.py names a converted file fname[:-5] + '.wav', which also drops the last
    # uuid character of every .ogg original; map those stems back to the metadata uuid.
    by_short = {u[:-1]: u for u in known}
    covid_test = set(lists["covid_test"])
    rows = {}
    for task, label_name in (("covid", "t5_label"), ("gender", "t6_label")):
        files = load(root, f"feature/coughvid_eval/sound_dir_loc_{task}.npy")
        split = load(root, f"feature/coughvid_eval/split_{task}.npy")
        label = load(root, f"feature/coughvid_eval/label_{task}.npy")
        for i, (f, s, y) in enumerate(zip(files, split, label)):
            stem = os.path.basename(str(f))[:-4]
            uuid = stem if stem in known else by_short[stem]
            row = rows.setdefault(uuid, {"uuid": uuid, "split": str(s), "t5_index": "", "t5_label": "",
                                         "t6_index": "", "t6_label": "", "in_covid_test_list": int(uuid in covid_test)})
            if row["split"] != str(s):
                raise SystemExit(f"{uuid}: split differs between the covid and gender arrays")
            row["t5_index" if task == "covid" else "t6_index"] = i
            row[label_name] = int(y)
    missing = covid_test - set(rows)
    if missing:
        raise SystemExit(f"{len(missing)} covid test uuids are in no OPERA array")
    header = ["uuid", "split", "t5_index", "t5_label", "t6_index", "t6_label", "in_covid_test_list"]
    write(os.path.join(out, "opera_t5_t6_coughvid.csv"), header,
          [[r[h] for h in header] for r in sorted(rows.values(), key=lambda r: r["uuid"])])


def coswara(root, out):
    rows = []
    for task, label in (("T8", "smoker"), ("T9", "sex")):
        d = "feature/coswara_eval/"
        files = load(root, f"{d}cough_aligned_filenames_{label}_w_cough-shallow.npy")
        split = load(root, f"{d}cough_aligned_train_test_split_{label}_w_cough-shallow.npy")
        labels = load(root, f"{d}cough_aligned_{label}_label_cough-shallow.npy")
        google = load(root, f"{d}google_{label}_cough_split.npy")
        for i, (f, s, y, g) in enumerate(zip(files, split, labels, google)):
            rows.append([task, i, strip_prefix(str(f), "datasets/Coswara-Data/"), str(s), int(y), str(g)])
    write(os.path.join(out, "opera_t8_t9_coswara.csv"),
          ["task", "opera_index", "file", "split", "label", "google_split"], rows)


def resptr(root, out):
    files = load(root, "feature/copd_eval/sound_dir_loc.npy")
    split = load(root, "feature/copd_eval/train_test_split.npy")
    labels = load(root, "feature/copd_eval/labels.npy")
    rows = []
    for i, (f, s, y) in enumerate(zip(files, split, labels)):
        name = strip_prefix(str(f), "datasets/copd/")
        rows.append([i, name, os.path.basename(name)[:4], str(s), int(y)])
    write(os.path.join(out, "opera_t11_resptr.csv"), ["opera_index", "file", "patient_id", "split", "label"], rows)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    opera, out = sys.argv[1], sys.argv[2]
    ukcovid(opera, out)
    coughvid(opera, out)
    coswara(opera, out)
    resptr(opera, out)
