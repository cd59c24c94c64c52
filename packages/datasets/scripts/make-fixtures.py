#!/usr/bin/python3
"""Writes the scikit-learn / numpy reference values that @betterdl/datasets is tested against.

Run with Debian's Python and scikit-learn (apt-get install python3-sklearn):

    /usr/bin/python3 packages/datasets/scripts/make-fixtures.py

Each fixture is a JSON file under src/fixtures/ holding the arguments (camelCase, as the TypeScript
functions take them) and the float64 results. Python's json writes floats with repr(), which round-trips
exactly, so the tests can compare to 1e-12 (or bit for bit).
"""
import json
import os
import platform

import numpy as np
import sklearn
from sklearn import datasets

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "fixtures")


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


def case(fn, kwargs):
    result = fn(**kwargs)
    X, y = result[0], result[1]
    out = {
        "args": {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
        "shape": list(X.shape),
        "x": np.asarray(X, dtype=np.float64).ravel().tolist(),
        "y": np.asarray(y, dtype=np.float64).ravel().tolist(),
    }
    if len(result) > 2:
        out["extra"] = np.asarray(result[2], dtype=np.float64).tolist()
    return out


def write(name, cases):
    meta = {
        "generatedBy": "packages/datasets/scripts/make-fixtures.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


def rng_fixture():
    cases = []
    for seed in [0, 1, 42, 2**32 - 1]:
        rs = np.random.RandomState(seed)
        raw = [int(v) for v in rs.randint(0, 2**32, size=5, dtype=np.uint64)]
        rs = np.random.RandomState(seed)
        sample = rs.random_sample(7).tolist()
        normal = rs.standard_normal(5).tolist()  # odd count: the cached value carries over
        uniform = rs.uniform(-3, 5, size=3).tolist()
        normal2 = rs.normal(2.0, 0.5, size=3).tolist()
        ints = [int(v) for v in rs.randint(0, 10, size=6)]
        ints_big = [int(v) for v in rs.randint(5, 1000003, size=4)]
        perm = [int(v) for v in rs.permutation(17)]
        after = rs.random_sample(2).tolist()
        cases.append(
            {
                "seed": seed,
                "raw": raw,
                "sample": sample,
                "normal": normal,
                "uniform": uniform,
                "normal2": normal2,
                "ints": ints,
                "intsBig": ints_big,
                "perm": perm,
                "after": after,
            }
        )
    return cases


def splits_fixture():
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    tts = []
    labels = [int(v) for v in np.random.RandomState(99).randint(0, 3, size=47)]
    labels2 = [int(v) for v in np.random.RandomState(98).randint(0, 4, size=200)]
    for n, kw, strat in [
        (10, dict(test_size=0.25, random_state=0), None),
        (101, dict(test_size=0.2, random_state=42), None),
        (30, dict(test_size=7, random_state=3), None),
        (20, dict(train_size=0.6, random_state=1), None),
        (12, dict(test_size=0.5, shuffle=False), None),
        (47, dict(test_size=0.3, random_state=5), labels),
        (200, dict(test_size=0.25, random_state=11), labels2),
        (47, dict(test_size=10, train_size=30, random_state=2), labels),
    ]:
        idx = np.arange(n)
        tr, te = train_test_split(idx, test_size=kw.get("test_size"), train_size=kw.get("train_size"),
                                  random_state=kw.get("random_state"), shuffle=kw.get("shuffle", True),
                                  stratify=strat)
        tts.append({"n": n, "args": {camel(k): v for k, v in kw.items()}, "stratify": strat,
                    "train": tr.tolist(), "test": te.tolist()})
    kf = []
    for n, k, kw in [(10, 3, {}), (23, 5, dict(shuffle=True, random_state=0)), (7, 7, dict(shuffle=True, random_state=4))]:
        folds = [{"train": a.tolist(), "test": b.tolist()} for a, b in KFold(k, **kw).split(np.zeros(n))]
        kf.append({"n": n, "k": k, "args": {camel(a): v for a, v in kw.items()}, "folds": folds})
    skf = []
    for y, k, kw in [(labels, 3, {}), (labels, 4, dict(shuffle=True, random_state=1)),
                     ([5, 5, 2, 2, 2, 9, 9, 9, 9, 5, 2, 9], 2, dict(shuffle=True, random_state=0))]:
        folds = [{"train": a.tolist(), "test": b.tolist()}
                 for a, b in StratifiedKFold(k, **kw).split(np.zeros(len(y)), y)]
        skf.append({"y": y, "k": k, "args": {camel(a): v for a, v in kw.items()}, "folds": folds})
    return [{"trainTestSplit": tts, "kFold": kf, "stratifiedKFold": skf}]


def main():
    os.makedirs(OUT, exist_ok=True)
    write("random-state", rng_fixture())
    write("splits", splits_fixture())

    circles = [
        dict(n_samples=100, noise=0.1, random_state=0),
        dict(n_samples=1000, noise=0.1, random_state=1),
        dict(n_samples=101, noise=0.05, random_state=7, factor=0.5),
        dict(n_samples=9, shuffle=False, noise=0.2, random_state=3),
        dict(n_samples=10, shuffle=False),
        dict(n_samples=33, random_state=42),
        dict(n_samples=(5, 8), noise=0.3, random_state=11),
        dict(n_samples=1, noise=0.1, random_state=5),
    ]
    write("make-circles", [case(datasets.make_circles, k) for k in circles])

    moons = [
        dict(n_samples=100, noise=0.1, random_state=0),
        dict(n_samples=1000, noise=0.2, random_state=1),
        dict(n_samples=77, noise=0.05, random_state=123),
        dict(n_samples=9, shuffle=False, noise=0.2, random_state=3),
        dict(n_samples=11, shuffle=False),
        dict(n_samples=(4, 7), noise=0.3, random_state=2),
    ]
    write("make-moons", [case(datasets.make_moons, k) for k in moons])

    blob_kw = [
        dict(n_samples=100, random_state=0),
        dict(n_samples=1000, centers=3, n_features=2, cluster_std=2.0, random_state=2),
        dict(n_samples=101, centers=4, n_features=5, random_state=1),
        dict(n_samples=50, centers=2, n_features=3, cluster_std=[0.5, 3.0], random_state=9),
        dict(n_samples=37, centers=[[0.0, 0.0], [5.0, 5.0], [-4.0, 2.5]], random_state=4),
        dict(n_samples=[3, 7, 2], n_features=4, random_state=6),
        dict(n_samples=20, centers=5, n_features=1, shuffle=False, random_state=8, center_box=(-1.0, 1.0)),
        dict(n_samples=13, centers=2, n_features=7, random_state=2**32 - 1),
    ]
    blobs = []
    for k in blob_kw:
        c = case(lambda **kw: datasets.make_blobs(return_centers=True, **kw), k)
        c["centers"] = c.pop("extra")
        blobs.append(c)
    write("make-blobs", blobs)

    cls_kw = [
        dict(n_samples=100, random_state=0),
        dict(n_samples=200, n_features=20, n_informative=5, n_redundant=3, n_repeated=2, n_classes=3, random_state=1),
        dict(n_samples=51, n_features=6, n_informative=3, n_redundant=1, n_clusters_per_class=1, n_classes=4,
             flip_y=0.2, class_sep=2.0, random_state=3),
        dict(n_samples=40, n_features=4, n_informative=2, n_redundant=0, shuffle=False, random_state=5),
        dict(n_samples=30, n_features=5, n_informative=4, n_redundant=0, hypercube=False, random_state=7),
        dict(n_samples=60, n_features=3, n_informative=3, n_redundant=0, weights=[0.2, 0.8], flip_y=0.0,
             random_state=8),
        # 4 of 1024 vertices: sample_without_replacement's tracking-selection path
        dict(n_samples=25, n_features=12, n_informative=10, n_redundant=0, random_state=4),
        # more than 30 informative features: the hypercube's randint(2) columns
        dict(n_samples=20, n_features=33, n_informative=31, n_redundant=1, n_classes=3, random_state=6),
    ]
    write("make-classification", [case(datasets.make_classification, k) for k in cls_kw])

    reg_kw = [
        dict(n_samples=100, n_features=10, random_state=0),
        dict(n_samples=57, n_features=4, n_informative=2, noise=3.0, bias=10.0, random_state=1),
        dict(n_samples=30, n_features=3, noise=0.5, shuffle=False, random_state=2),
        dict(n_samples=21, n_features=5, n_informative=5, noise=1.0, random_state=3),
    ]
    regs = []
    for k in reg_kw:
        c = case(lambda **kw: datasets.make_regression(coef=True, **kw), k)
        c["coef"] = c.pop("extra")
        regs.append(c)
    write("make-regression", regs)


if __name__ == "__main__":
    main()
