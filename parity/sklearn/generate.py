"""Generates the scikit-learn parity fixtures in parity/sklearn/fixtures/ with real scikit-learn.

Run (nothing in CI runs Python; the fixtures are committed and the vitest suites
packages/datasets/src/sklearn-parity.test.ts and packages/diagnostics/src/sklearn-parity.test.ts compare):

    python3 -m venv /work/venv-sk
    /work/venv-sk/bin/pip install scikit-learn keras jax
    KERAS_BACKEND=jax /work/venv-sk/bin/python parity/sklearn/generate.py

Keras is optional: with it, the file also holds `to_categorical` shapes and Keras's top-k tie rule
(`SparseTopKCategoricalAccuracy`), which betterdl offers as an option. Every fixture records the library
versions that made it. Python's json writes floats with repr(), which round-trips exactly; NaN is written
as the string "nan".
"""

import json
import math
import os
import platform
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.metrics import classification_report, confusion_matrix, top_k_accuracy_score
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.preprocessing._data import _handle_zeros_in_scale

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter("ignore")

try:
    import keras
except ImportError:  # the Keras cases are skipped
    keras = None


def versions():
    out = {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__}
    if keras is not None:
        import jax

        out.update({"keras": keras.__version__, "keras_backend": keras.backend.backend(), "jax": jax.__version__})
    return out


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


def jsonable(v):
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return "nan" if math.isnan(v) else float(v)
    return v


def write(name, payload):
    path = os.path.join(HERE, "fixtures", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        body = {"generator": "parity/sklearn/generate.py", "versions": versions(), **jsonable(payload)}
        json.dump(body, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


# ---------------------------------------------------------------- datasets


def generator_case(fn, kwargs, extra=None):
    result = fn(**kwargs)
    X, y = result[0], result[1]
    out = {
        "args": {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
        "shape": list(X.shape),
        "x": np.asarray(X, dtype=np.float64).ravel(),
        "y": np.asarray(y, dtype=np.float64).ravel(),
    }
    if extra:
        out[extra] = np.asarray(result[2], dtype=np.float64)
    return out


def generators():
    circles = [
        dict(n_samples=250, noise=0.15, random_state=2024),
        dict(n_samples=64, factor=0.3, noise=0.02, random_state=13),
        dict(n_samples=(20, 3), noise=0.1, random_state=0, shuffle=False),
        dict(n_samples=7, random_state=99),
    ]
    moons = [
        dict(n_samples=300, noise=0.25, random_state=31),
        dict(n_samples=(2, 9), noise=0.01, random_state=8),
        dict(n_samples=15, shuffle=False, noise=0.5, random_state=17),
    ]
    blobs = [
        dict(n_samples=500, centers=3, cluster_std=2.0, random_state=2),
        dict(n_samples=77, centers=6, n_features=3, cluster_std=[0.3, 1.0, 2.0, 0.1, 1.5, 0.7], random_state=21),
        dict(n_samples=[10, 1, 4], n_features=2, center_box=(0.0, 3.0), random_state=12),
        dict(n_samples=33, centers=[[1.0, -1.0, 0.5], [-2.0, 0.0, 4.0]], cluster_std=0.25, random_state=3),
    ]
    classification = [
        dict(n_samples=150, n_features=8, n_informative=4, n_redundant=2, n_classes=3, random_state=10),
        dict(n_samples=90, n_features=5, n_informative=2, n_redundant=1, n_repeated=1, n_clusters_per_class=1,
             weights=[0.7, 0.3], flip_y=0.05, random_state=14),
        dict(n_samples=40, n_features=10, n_informative=5, n_redundant=0, n_classes=5, n_clusters_per_class=1,
             class_sep=0.5, shift=1.5, scale=2.0, random_state=15),
    ]
    regression = [
        dict(n_samples=80, n_features=6, n_informative=3, noise=2.5, bias=-4.0, random_state=16),
        dict(n_samples=25, n_features=2, random_state=17),
        dict(n_samples=40, n_features=9, n_informative=9, n_targets=1, noise=0.0, shuffle=False, random_state=18),
    ]
    return {
        "makeCircles": [generator_case(datasets.make_circles, k) for k in circles],
        "makeMoons": [generator_case(datasets.make_moons, k) for k in moons],
        "makeBlobs": [generator_case(lambda **kw: datasets.make_blobs(return_centers=True, **kw), k, "centers")
                      for k in blobs],
        "makeClassification": [generator_case(datasets.make_classification, k) for k in classification],
        "makeRegression": [generator_case(lambda **kw: datasets.make_regression(coef=True, **kw), k, "coef")
                           for k in regression],
    }


def splits():
    rs = np.random.RandomState(7)
    labels = rs.randint(0, 4, size=60)
    tts = []

    def split(n, kw, stratify=None, kind=None, rows=None):
        tr, te = train_test_split(np.arange(n), stratify=stratify, **kw)
        tts.append({"n": n, "args": {camel(k): v for k, v in kw.items()}, "stratifyKind": kind,
                    "stratify": rows, "train": tr, "test": te})

    split(57, dict(test_size=0.3, random_state=101))
    split(40, dict(train_size=25, test_size=10, random_state=5))
    split(9, dict(test_size=0.5, shuffle=False))
    split(60, dict(test_size=0.25, random_state=3), labels, "labels", labels)
    # one-hot y: scikit-learn stratifies on each row's text ("0.0 1.0 0.0 0.0"), so classes sort in reverse
    onehot = np.eye(4)[labels]
    split(60, dict(test_size=0.25, random_state=3), onehot, "onehot", onehot)
    split(60, dict(test_size=13, random_state=0), onehot.astype(np.int64), "onehot", onehot)
    # [n, 1] labels up to 11 (the shape betterdl's generators give y): betterdl reads them as the 1-D labels
    # scikit-learn's generators return, which sort as numbers (scikit-learn's [n, 1] rows would sort as text)
    col = np.array([i % 12 for i in range(48)]).reshape(-1, 1)
    split(48, dict(test_size=0.5, random_state=9), col.ravel(), "column", col)
    # multi-label rows, and float rows whose text order differs from their numeric order
    multi = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]])[rs.randint(0, 4, size=40)]
    split(40, dict(test_size=0.3, random_state=12), multi, "multilabel", multi)
    fl = np.array([[1e-05, 0.5], [0.0001, 0.5], [0.25, 2.0], [1e16, 0.1]])[np.arange(32) % 4]
    split(32, dict(test_size=0.5, random_state=4), fl, "float64", fl)
    # float32 rows (a tfjs tensor): numpy prints float32 with its own shortest digits ("1e-04")
    split(32, dict(test_size=0.5, random_state=4), fl.astype(np.float32), "float32", fl.astype(np.float32))

    kf = []
    for n, k, kw in [(25, 4, {}), (31, 6, dict(shuffle=True, random_state=77)), (5, 5, dict(shuffle=True, random_state=1))]:
        folds = [{"train": a, "test": b} for a, b in KFold(k, **kw).split(np.zeros(n))]
        kf.append({"n": n, "k": k, "args": {camel(a): v for a, v in kw.items()}, "folds": folds})
    skf = []
    y2 = rs.randint(0, 3, size=50)
    for y, k, kw in [(y2, 5, {}), (y2, 3, dict(shuffle=True, random_state=8)),
                     (np.array([7, 7, 7, 3, 3, 3, 3, 1, 1, 1, 1, 1]), 3, dict(shuffle=True, random_state=2))]:
        folds = [{"train": a, "test": b} for a, b in StratifiedKFold(k, **kw).split(np.zeros(len(y)), y)]
        skf.append({"y": y, "k": k, "args": {camel(a): v for a, v in kw.items()}, "folds": folds})
    return {"trainTestSplit": tts, "kFold": kf, "stratifiedKFold": skf}


def scalers():
    rs = np.random.RandomState(5)
    data = {
        "mixed": np.column_stack([rs.standard_normal(30) * 4 + 2, rs.uniform(-9, 1, 30), np.full(30, 5.0),
                                  np.zeros(30)]),
        # the cases: 0.1 forty times (variance is rounding noise), 1e6 plus noise of spread 1e-3
        "nearConstant": np.column_stack([np.full(40, 0.1), np.full(40, 1e-300), rs.standard_normal(40)]),
        "largeOffset": (1e6 + rs.standard_normal(100) * 1e-3).reshape(-1, 1),
        "oneColumn": (rs.standard_normal(300) * 1e3 + 0.1).reshape(-1, 1),
        "tiny": np.array([[1e-17, 3.0], [-2e-17, 3.0 + 1e-14], [0.0, 3.0]]),
    }
    probe = {k: v[:5] * 1.5 - 0.25 for k, v in data.items()}
    kinds = [
        ("standardScaler", StandardScaler, {}),
        ("standardScaler", StandardScaler, dict(with_mean=False)),
        ("standardScaler", StandardScaler, dict(with_std=False)),
        ("minMaxScaler", MinMaxScaler, {}),
        ("minMaxScaler", MinMaxScaler, dict(feature_range=(-1, 3))),
        ("maxAbsScaler", MaxAbsScaler, {}),
    ]
    cases = []
    for name, X in data.items():
        for float32 in (False, True):
            Xf = X.astype(np.float32).astype(np.float64) if float32 else X
            if float32 and name == "tiny":
                continue
            for kind, cls, kw in kinds:
                s = cls(**kw).fit(Xf)
                if kind == "standardScaler":
                    shift = s.mean_ if s.with_mean else np.zeros(X.shape[1])
                    scale = s.scale_ if s.with_std else np.ones(X.shape[1])
                elif kind == "minMaxScaler":
                    lo, hi = s.feature_range
                    # betterdl keeps (x - min) / (range / (hi - lo)) + lo; scikit-learn x * scale_ + min_
                    shift, scale = s.data_min_, _handle_zeros_in_scale(s.data_range_) / (hi - lo)
                else:
                    shift, scale = np.zeros(X.shape[1]), s.scale_
                cases.append({
                    "kind": kind, "args": {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()},
                    "data": name, "float32": float32, "x": Xf, "shift": shift, "scale": scale,
                    "transform": s.transform(Xf), "probe": probe[name], "inverse": s.inverse_transform(probe[name]),
                })
    return cases


def to_categorical():
    if keras is None:
        return []
    cases = []
    for labels, k in [([0, 2, 1], None), ([[0, 1, 2], [2, 1, 0]], None), ([[1], [0], [3]], None),
                      ([[[1], [0]], [[2], [2]]], 4), ([[1, 0], [0, 0], [1, 1]], 3), ([[0]], None)]:
        out = keras.utils.to_categorical(np.array(labels), k)
        cases.append({"labels": labels, "numClasses": k, "shape": list(out.shape), "values": out.ravel()})
    return cases


# ---------------------------------------------------------------- diagnostics


def report_case(y_true, y_pred, **kw):
    args = {camel(k): ("nan" if isinstance(v, float) and math.isnan(v) else v) for k, v in kw.items()}
    text = classification_report(y_true, y_pred, **kw)
    d = classification_report(y_true, y_pred, output_dict=True, **kw)
    labels = kw.get("labels")
    if labels is None:
        labels = sorted(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist()))
    names = kw.get("target_names") or [str(l) for l in labels]
    classes = [d[n] for n in names]
    cm = None
    if any(l in set(np.asarray(y_true).tolist()) for l in labels):
        cm = confusion_matrix(y_true, y_pred, labels=kw.get("labels"))
    avg_key = "accuracy" if "accuracy" in d else "micro avg"
    return {"yTrue": y_true, "yPred": y_pred, "args": args, "text": text, "classes": classes,
            "macroAvg": d["macro avg"], "weightedAvg": d["weighted avg"],
            "micro": d[avg_key], "confusion": cm}


def reports():
    rs = np.random.RandomState(11)
    cases = []
    yt = rs.randint(0, 5, size=40)
    yp = np.where(rs.uniform(size=40) < 0.6, yt, rs.randint(0, 6, size=40))
    yp[yp == 3] = 4  # class 3 is never predicted
    cases.append(report_case(yt, yp))
    for digits in (0, 1, 3, 4, 7):
        cases.append(report_case(yt, yp, digits=digits))
    for zd in (0, 1, float("nan")):
        cases.append(report_case(yt, yp, zero_division=zd))
    # absent classes: not listed by default; listed (with zero rows) when labels fixes the set
    gap_t = np.array([1, 1, 4, 4, 4, 9, 9, 1, 4, 9, 9, 9])
    gap_p = np.array([1, 4, 4, 4, 9, 9, 1, 1, 4, 9, 4, 9])
    cases.append(report_case(gap_t, gap_p))
    cases.append(report_case(gap_t, gap_p, labels=[0, 1, 2, 4, 9]))
    cases.append(report_case(gap_t, gap_p, labels=[0, 1, 2, 4, 9], zero_division=float("nan")))
    cases.append(report_case(gap_t, gap_p, labels=[9, 1], digits=3))  # a subset: "micro avg" replaces accuracy
    cases.append(report_case(gap_t, gap_p, labels=[4, 9, 1], target_names=["four", "nine", "a rather long name"]))
    cases.append(report_case(gap_t, gap_p, target_names=["één", "vier", "négen"]))
    cases.append(report_case([0, 0, 0], [0, 0, 0]))
    cases.append(report_case([0, 1, 1, 0], [1, 1, 1, 1], zero_division=1))
    # no sample predicted right: scikit-learn's counts become floats and the support prints as "2.0"
    cases.append(report_case([0, 0, 5, 1, 5, 5, 3], [2, 5, 0, 2, 0, 3, 2], digits=3))
    cases.append(report_case([3, 4, 0, 4], [1, 2, 1, 3], labels=[3], digits=1))
    # exact binary ties at the rounding digit: 1/8 → 0.12, 5/8 → 0.62, 3/8 → 0.38 (half to even)
    t8 = np.array([0] * 8 + [1] * 8 + [2] * 8)
    p8 = np.array([0] + [1] * 7 + [1] * 5 + [0] * 3 + [2] * 3 + [0] * 4 + [1])
    cases.append(report_case(t8, p8))
    cases.append(report_case(t8, p8, digits=1))
    # many classes: the averages go through numpy's pairwise sums
    big_t = rs.randint(0, 150, size=3000)
    big_p = np.where(rs.uniform(size=3000) < 0.5, big_t, rs.randint(0, 150, size=3000))
    cases.append(report_case(big_t, big_p, digits=6))
    return cases


def topk():
    rs = np.random.RandomState(3)
    cases = []
    for n, c, levels in [(60, 4, 3), (80, 10, 4), (50, 6, 50)]:
        # scores on a coarse grid (float32-exact), so exact ties are common
        scores = (rs.randint(0, levels, size=(n, c)) / 4.0).astype(np.float32)
        y = rs.randint(0, c, size=n)
        entry = {"yTrue": y, "scores": scores.astype(np.float64), "sklearn": [], "keras": []}
        for k in range(1, c + 1):
            entry["sklearn"].append(top_k_accuracy_score(y, scores, k=k, labels=np.arange(c)))
            if keras is not None:
                m = keras.metrics.SparseTopKCategoricalAccuracy(k=k)
                m.update_state(y, scores)
                entry["keras"].append(float(m.result()))
        cases.append(entry)
    return cases


def main():
    write("datasets.json", {"generators": generators(), "splits": splits(), "scalers": scalers(),
                            "toCategorical": to_categorical()})
    write("diagnostics.json", {"reports": reports(), "topK": topk()})


if __name__ == "__main__":
    main()
