"""Keras 3 reference cases: real keras.callbacks and keras.optimizers.schedules driven hook by hook.

Imported by generate.py (KERAS_BACKEND=jax). Every log value is a Python float, as Keras's CallbackList makes
it (python_utils.pythonify_logs); values of float32 metrics are written as the doubles they widen to.
"""

import contextlib
import io
import math
import os
import tempfile
import warnings

import numpy as np

import keras

F32 = lambda v: float(np.float32(v))  # noqa: E731


def enc(v):
    """JSON-safe float: nan/inf as strings."""
    if v is None:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return repr(v)
    return v


def enc_logs(logs):
    return {k: enc(v) for k, v in logs.items()}


class StubOptimizer:
    pass


class StubModel:
    """What the callbacks touch: stop_training, get/set_weights (tagged by epoch), save, optimizer."""

    def __init__(self, optimizer=None):
        self.stop_training = False
        self.tag = None
        self.restored = None
        self.saved = []
        self.optimizer = optimizer

    def get_weights(self):
        return [np.array([self.tag])]

    def set_weights(self, w):
        self.restored = int(w[0][0])

    def save(self, filepath, overwrite=True):
        self.saved.append(filepath)

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(filepath)


def run_quiet(fn):
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        result = fn()
    lines = [l for l in out.getvalue().split("\n") if l.strip()]
    return result, lines, [str(w.message) for w in caught]


# ---------------- ModelCheckpoint file names ----------------

CHECKPOINT_LOGS = [
    {"loss": 0.6931471805599453, "accuracy": 0.5, "val_loss": 0.7000000476837158, "val_accuracy": 0.4375},
    {"loss": 0.5, "accuracy": 0.90625, "val_loss": 1.0, "val_accuracy": 0.90625},
    {"loss": 0.125, "accuracy": 0.96875, "val_loss": 0.375, "val_accuracy": 0.875},
    {"loss": 1e-05, "accuracy": 1.0, "val_loss": 2.5e-07, "val_accuracy": 0.999999},
    {"loss": 0.015, "accuracy": 0.995, "val_loss": 1e16, "val_accuracy": 0.0},
    {"loss": 0.025, "accuracy": 0.9999, "val_loss": 0.625, "val_accuracy": 0.125},
]

CHECKPOINT_EPOCH_CASES = [
    {"template": "model-{epoch:02d}-{val_loss:.4f}.keras", "args": {}},
    {"template": "m-{epoch}-{val_loss}-{loss}.keras", "args": {}},
    {"template": "{epoch:03d}-{val_accuracy:.4f}.keras", "args": {}},
    {"template": "w.{epoch:02d}-{val_accuracy:.6f}.keras", "args": {}},
    {"template": "{epoch}_{accuracy:.2%}_{loss:.1e}_{val_loss:g}.keras", "args": {}},
    {"template": "{epoch:>4}|{loss:+.3f}|{val_accuracy:.0%}|{accuracy:.2g}.keras", "args": {}},
    {"template": "{{literal}}-{epoch:02d}.keras", "args": {}},
    {"template": "best-{epoch}-{val_loss:.5f}.keras", "args": {"save_best_only": True, "verbose": 1}},
    {
        "template": "best-{epoch}.keras",
        "args": {"save_best_only": True, "monitor": "val_accuracy", "mode": "max", "verbose": 1},
    },
    {
        "template": "thr-{epoch}.keras",
        "args": {"save_best_only": True, "initial_value_threshold": 0.5, "verbose": 1},
    },
    {"template": "v-{epoch}.keras", "args": {"verbose": 1}},
    {"template": "missing-{val_auc:.3f}.keras", "args": {}},
]

CHECKPOINT_BATCH_CASES = [
    {"template": "e{epoch}-b{batch}.keras", "save_freq": 3, "batches": [4, 4, 4]},
    {"template": "e{epoch:02d}-b{batch:03d}-{loss:.4f}.keras", "save_freq": 2, "batches": [5, 3]},
    {"template": "step-{epoch}-{batch}.keras", "save_freq": 1, "batches": [3, 2]},
    {"template": "s-{epoch}-{batch}.keras", "save_freq": 5, "batches": [2, 2, 2, 2, 2]},
]


def checkpoint_cases():
    epoch_cases = []
    for case in CHECKPOINT_EPOCH_CASES:
        model = StubModel()
        cb = keras.callbacks.ModelCheckpoint(case["template"], **case["args"])
        cb.set_model(model)

        def drive():
            cb.on_train_begin()
            for epoch, logs in enumerate(CHECKPOINT_LOGS):
                cb.on_epoch_begin(epoch)
                cb.on_epoch_end(epoch, dict(logs))
            cb.on_train_end()

        try:
            _, lines, _ = run_quiet(drive)
            epoch_cases.append({**case, "saved": model.saved, "messages": lines})
        except KeyError as e:
            epoch_cases.append({**case, "saved": model.saved, "error": str(e)})
    batch_cases = []
    for case in CHECKPOINT_BATCH_CASES:
        model = StubModel()
        cb = keras.callbacks.ModelCheckpoint(case["template"], save_freq=case["save_freq"])
        cb.set_model(model)
        cb.on_train_begin()
        step = 0
        batch_logs = []
        for epoch, n in enumerate(case["batches"]):
            cb.on_epoch_begin(epoch)
            for b in range(n):
                step += 1
                logs = {"loss": 1.0 / step, "accuracy": step / 32}
                batch_logs.append(logs)
                cb.on_train_batch_end(b, dict(logs))
            cb.on_epoch_end(epoch, {"loss": 0.5, "accuracy": 0.5})
        cb.on_train_end()
        batch_cases.append({**case, "batch_logs": batch_logs, "saved": model.saved})
    return {"logs": CHECKPOINT_LOGS, "epoch_cases": epoch_cases, "batch_cases": batch_cases}


# ---------------- CSVLogger files ----------------

CSV_CASES = [
    {
        "name": "train and validation",
        "args": {},
        "runs": [
            [
                {"loss": 0.6931471805599453, "accuracy": 0.5, "val_loss": 0.7000000476837158, "val_accuracy": 0.4375},
                {"loss": 0.5, "accuracy": 0.90625, "val_loss": 1.0, "val_accuracy": 1.0},
                {"loss": 1e-05, "accuracy": 0.10000000149011612, "val_loss": 2.5e-07, "val_accuracy": 1e16},
            ]
        ],
    },
    {
        "name": "validation from the second epoch (validation_freq=2)",
        "args": {},
        "runs": [
            [
                {"loss": 0.9, "accuracy": 0.25},
                {"loss": 0.8, "accuracy": 0.5, "val_loss": 0.85, "val_accuracy": 0.5},
                {"loss": 0.7, "accuracy": 0.75},
                {"loss": 0.6, "accuracy": 0.875, "val_loss": 0.65, "val_accuracy": 0.75},
            ]
        ],
    },
    {
        "name": "loss only, no validation at all",
        "args": {},
        "runs": [[{"loss": 3.0}, {"loss": 2.0}, {"loss": 1.5}]],
    },
    {
        "name": "nan, inf, negative zero, tiny and huge values",
        "args": {},
        "runs": [
            [
                {"loss": float("nan"), "val_loss": float("inf"), "mae": -0.0},
                {"loss": 5e-324, "val_loss": -float("inf"), "mae": 1.7976931348623157e308},
                {"loss": 123456789.0, "val_loss": 1e-07, "mae": 0.1},
            ]
        ],
    },
    {
        "name": "learning_rate from ReduceLROnPlateau, a key that appears later, a key that disappears",
        "args": {},
        "runs": [
            [
                {"loss": 1.0, "val_loss": 1.1, "learning_rate": 0.0010000000474974513},
                {"loss": 0.9, "val_loss": 1.0, "learning_rate": 0.00010000000474974513, "extra": 7.0},
                {"loss": 0.8, "learning_rate": 9.999999747378752e-06},
            ]
        ],
    },
    {
        "name": "semicolon separator",
        "args": {"separator": ";"},
        "runs": [[{"loss": 0.25, "val_loss": 0.5}, {"loss": 0.125, "val_loss": 0.375}]],
    },
    {
        "name": "tab separator",
        "args": {"separator": "\t"},
        "runs": [[{"loss": 0.25, "accuracy": 0.75}, {"loss": 0.125, "accuracy": 0.875}]],
    },
    {
        "name": "separator that occurs in the numbers",
        "args": {"separator": "."},
        "runs": [[{"loss": 0.25, "val_loss": 1e-05}, {"loss": 2.0, "val_loss": 3.0}]],
    },
    {
        "name": "append: second fit adds rows without a header",
        "args": {"append": True},
        "runs": [
            [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}],
            [{"loss": 0.25, "val_loss": 1.25}],
        ],
    },
    {
        "name": "append onto an empty file writes the header",
        "args": {"append": True},
        "existing": "",
        "runs": [[{"loss": 1.0, "val_loss": 2.0}]],
    },
    {
        "name": "no append: a second fit starts the file afresh",
        "args": {},
        "runs": [[{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}], [{"loss": 0.25, "val_loss": 1.25}]],
    },
    {
        "name": "append, first epoch without validation",
        "args": {"append": True},
        "runs": [[{"loss": 1.0}], [{"loss": 0.5, "val_loss": 0.75}]],
    },
]


def csv_cases():
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(CSV_CASES):
            path = os.path.join(tmp, f"log{i}.csv")
            if "existing" in case:
                with open(path, "w") as f:
                    f.write(case["existing"])
            for logs_seq in case["runs"]:
                cb = keras.callbacks.CSVLogger(path, **case["args"])
                cb.set_model(StubModel())
                cb.on_train_begin()
                for epoch, logs in enumerate(logs_seq):
                    cb.on_epoch_end(epoch, dict(logs))
                cb.on_train_end()
            with open(path, "rb") as f:
                text = f.read().decode("utf-8")
            out.append(
                {
                    **case,
                    "runs": [[enc_logs(l) for l in run] for run in case["runs"]],
                    "file": text,
                }
            )
    return {"cases": out}


# ---------------- EarlyStopping ----------------

ES_CASES = [
    {"args": {"patience": 2}, "values": [1.0, 0.9, 0.95, 0.96, 0.5]},
    {"args": {"patience": 0}, "values": [1.0, 1.1, 0.9]},
    {"args": {"patience": 1, "min_delta": 0.1}, "values": [1.0, 0.95, 0.85, 0.84, 0.83]},
    {"args": {"patience": 1, "min_delta": -0.1}, "values": [1.0, 0.95, 0.85, 0.84, 0.83]},
    {"args": {"patience": 2, "mode": "max", "monitor": "val_accuracy"}, "values": [0.5, 0.6, 0.6, 0.55, 0.7]},
    {"args": {"patience": 2, "baseline": 0.5}, "values": [1.0, 0.9, 0.8, 0.7, 0.6, 0.4, 0.45, 0.41]},
    {"args": {"patience": 1, "baseline": 0.5, "mode": "max", "monitor": "val_accuracy"}, "values": [0.4, 0.45, 0.6, 0.6]},
    {"args": {"patience": 2, "restore_best_weights": True}, "values": [1.0, 0.8, 0.9, 0.85, 0.95]},
    {"args": {"patience": 5, "restore_best_weights": True}, "values": [1.0, 0.8, 0.9]},
    {"args": {"patience": 1, "start_from_epoch": 2}, "values": [1.0, 2.0, 3.0, 4.0, 5.0]},
    {"args": {"patience": 1, "start_from_epoch": 2, "restore_best_weights": True}, "values": [0.1, 2.0, 3.0, 4.0, 5.0]},
    {"args": {"patience": 2}, "values": [float("nan"), 1.0, 0.9, 0.95, 0.96]},
    {"args": {"patience": 2}, "values": [1.0, float("nan"), float("nan"), 0.9]},
    {"args": {"patience": 1, "monitor": "loss"}, "values": [2.0, 1.0, 1.0, 1.0]},
    {"args": {"patience": 3, "verbose": 1, "restore_best_weights": True}, "values": [1.0, 0.7, 0.8, 0.9, 0.75, 0.6]},
    {"args": {"patience": 1, "monitor": "val_missing", "mode": "min"}, "values": [1.0, 0.5]},
]


def early_stopping_cases():
    out = []
    for case in ES_CASES:
        args = dict(case["args"])
        monitor = args.get("monitor", "val_loss")
        model = StubModel()
        cb = keras.callbacks.EarlyStopping(**args)
        cb.set_model(model)
        stopped_at = None

        def drive():
            nonlocal stopped_at
            cb.on_train_begin()
            for epoch, v in enumerate(case["values"]):
                model.tag = epoch
                cb.on_epoch_begin(epoch)
                key = "val_loss" if monitor == "val_missing" else monitor
                cb.on_epoch_end(epoch, {"loss": 1.0, key: v})
                if model.stop_training:
                    stopped_at = epoch
                    break
            cb.on_train_end()

        _, lines, _ = run_quiet(drive)
        out.append(
            {
                **case,
                "values": [enc(v) for v in case["values"]],
                "stopped_at": stopped_at,
                "stopped_epoch": cb.stopped_epoch,
                "best": enc(None if cb.best is None else float(cb.best)),
                "best_epoch": cb.best_epoch,
                "wait": cb.wait,
                "restored": model.restored,
                "messages": lines,
            }
        )
    return {"cases": out}


# ---------------- ReduceLROnPlateau ----------------

RLR_CASES = [
    {"lr": 0.1, "args": {"patience": 1, "cooldown": 2}, "values": [1.0] * 10},
    {"lr": 0.01, "args": {"patience": 2, "factor": 0.5}, "values": [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8]},
    {"lr": 0.001, "args": {"patience": 1, "factor": 0.1, "min_lr": 1e-5}, "values": [1.0] * 8},
    {"lr": 0.1, "args": {"patience": 1, "min_delta": 0.05}, "values": [1.0, 0.97, 0.9, 0.88, 0.87, 0.7]},
    {"lr": 0.1, "args": {"patience": 1, "mode": "max", "monitor": "val_accuracy"}, "values": [0.5, 0.6, 0.6, 0.6, 0.7, 0.7]},
    {"lr": 0.2, "args": {"patience": 0, "factor": 0.5}, "values": [1.0, 1.0, 0.5, 0.5]},
    {"lr": 0.1, "args": {"patience": 2, "verbose": 1, "factor": 0.2}, "values": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]},
    {"lr": 0.1, "args": {"patience": 1}, "values": [float("nan"), 1.0, float("nan"), float("nan")]},
    {"lr": 0.05, "args": {"patience": 3, "cooldown": 1, "min_lr": 0.001, "factor": 0.3}, "values": [1.0] * 14},
]


def reduce_lr_cases():
    out = []
    for case in RLR_CASES:
        args = dict(case["args"])
        monitor = args.get("monitor", "val_loss")
        opt = keras.optimizers.SGD(learning_rate=case["lr"])
        model = StubModel(opt)
        cb = keras.callbacks.ReduceLROnPlateau(**args)
        cb.set_model(model)
        rows = []

        def drive():
            cb.on_train_begin()
            for epoch, v in enumerate(case["values"]):
                cb.on_epoch_begin(epoch)
                logs = {"loss": 1.0, monitor: v}
                cb.on_epoch_end(epoch, logs)
                rows.append(
                    {
                        "logged": enc(logs.get("learning_rate")),
                        "after": float(np.array(opt.learning_rate)),
                        "wait": cb.wait,
                        "cooldown_counter": cb.cooldown_counter,
                    }
                )
            cb.on_train_end()

        _, lines, _ = run_quiet(drive)
        out.append({**case, "values": [enc(v) for v in case["values"]], "epochs": rows, "messages": lines})
    return {"cases": out}


# ---------------- LearningRateScheduler ----------------

SCHEDULERS = {
    "halve every 2 epochs": lambda epoch, lr: lr * 0.5 if epoch > 0 and epoch % 2 == 0 else lr,
    "0.1, then x0.9 per epoch": lambda epoch, lr: 0.1 if epoch == 0 else lr * 0.9,
    "constant after epoch 3": lambda epoch, lr: lr if epoch < 3 else lr * math.exp(-0.1),
    "step table": lambda epoch, lr: [0.1, 0.05, 0.05, 0.01, 0.001, 0.001][epoch],
}


def scheduler_cases():
    out = []
    for name, fn in SCHEDULERS.items():
        opt = keras.optimizers.SGD(learning_rate=0.1)
        model = StubModel(opt)
        cb = keras.callbacks.LearningRateScheduler(fn, verbose=1)
        cb.set_model(model)
        rows = []

        def drive():
            cb.on_train_begin()
            for epoch in range(6):
                cb.on_epoch_begin(epoch)
                logs = {"loss": 1.0}
                cb.on_epoch_end(epoch, logs)
                rows.append(enc(logs.get("learning_rate")))
            cb.on_train_end()

        _, lines, _ = run_quiet(drive)
        out.append({"name": name, "initial": 0.1, "logged": rows, "messages": lines})
    return {"cases": out}


# ---------------- TerminateOnNaN ----------------

TON_CASES = [
    [1.0, 0.5, float("nan"), 0.2],
    [1.0, float("inf"), 0.3],
    [1.0, -float("inf")],
    [1.0, 0.5, 0.25],
]


def terminate_on_nan_cases():
    out = []
    for losses in TON_CASES:
        model = StubModel()
        cb = keras.callbacks.TerminateOnNaN()
        cb.set_model(model)
        stopped = None

        def drive():
            nonlocal stopped
            for b, loss in enumerate(losses):
                cb.on_batch_end(b, {"loss": loss})
                if model.stop_training:
                    stopped = b
                    break

        _, lines, _ = run_quiet(drive)
        out.append({"losses": [enc(v) for v in losses], "stopped_at": stopped, "messages": lines})
    return {"cases": out}


# ---------------- learning-rate schedules ----------------

S = keras.optimizers.schedules
SCHEDULE_CASES = [
    ("exponentialDecay", [0.1, 10, 0.96, False], lambda a: S.ExponentialDecay(*a)),
    ("exponentialDecay", [0.1, 10, 0.5, True], lambda a: S.ExponentialDecay(*a[:3], staircase=a[3])),
    ("piecewiseConstantDecay", [[10, 20, 35], [1.0, 0.5, 0.1, 0.01]], lambda a: S.PiecewiseConstantDecay(*a)),
    ("polynomialDecay", [0.1, 30, 0.0001, 1.0, False], lambda a: S.PolynomialDecay(*a[:4], cycle=a[4])),
    ("polynomialDecay", [0.1, 30, 0.001, 2.0, False], lambda a: S.PolynomialDecay(*a[:4], cycle=a[4])),
    ("polynomialDecay", [0.1, 20, 0.001, 0.5, True], lambda a: S.PolynomialDecay(*a[:4], cycle=a[4])),
    ("inverseTimeDecay", [0.1, 10, 0.5, False], lambda a: S.InverseTimeDecay(*a[:3], staircase=a[3])),
    ("inverseTimeDecay", [0.1, 10, 0.5, True], lambda a: S.InverseTimeDecay(*a[:3], staircase=a[3])),
    ("cosineDecay", [0.1, 40, 0.0, None, 0], lambda a: S.CosineDecay(a[0], a[1], alpha=a[2])),
    ("cosineDecay", [0.1, 40, 0.1, None, 0], lambda a: S.CosineDecay(a[0], a[1], alpha=a[2])),
    (
        "cosineDecay",
        [0.0, 40, 0.05, 0.2, 10],
        lambda a: S.CosineDecay(a[0], a[1], alpha=a[2], warmup_target=a[3], warmup_steps=a[4]),
    ),
    ("cosineDecayRestarts", [0.1, 10, 2.0, 1.0, 0.0], lambda a: S.CosineDecayRestarts(*a)),
    ("cosineDecayRestarts", [0.1, 8, 1.5, 0.8, 0.1], lambda a: S.CosineDecayRestarts(*a)),
]


def schedule_cases():
    out = []
    steps = list(range(0, 61))
    for name, args, make in SCHEDULE_CASES:
        sched = make(args)
        values = [float(np.array(sched(s))) for s in steps]
        out.append({"name": name, "args": args, "steps": steps, "values": values})
    return {"cases": out}


# ---------------- Progbar number text ----------------

PROGBAR_VALUES = [0.42, 0.81, 0.0, 1e-3, 0.0010001, -0.0005, 0.00012345, 0.125, 0.00005, 2.5, 123.45675, -3.14159, 0.99995]
PROGBAR_TIMES = [0.0, 0.0004, 0.0005, 0.0015, 0.0025, 0.064, 0.9995, 1.0, 2.5, 3.5, 12.2]


def progbar_cases():
    import re

    from keras.src.utils.progbar import Progbar

    metrics = []
    for v in PROGBAR_VALUES:
        p = Progbar(target=1, verbose=1)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            p.update(1, values=[("m", v)], finalize=True)
        metrics.append({"value": v, "text": re.search(r" - m: (\S+)", out.getvalue()).group(1)})
    p = Progbar(target=1, verbose=1)
    times = [{"seconds": t, "text": p._format_time(t, "step").strip()} for t in PROGBAR_TIMES]
    return {"metrics": metrics, "times": times}


def all_fixtures():
    return {
        "checkpoint-names.json": checkpoint_cases(),
        "csv-logger.json": csv_cases(),
        "early-stopping.json": early_stopping_cases(),
        "reduce-lr-on-plateau.json": reduce_lr_cases(),
        "learning-rate-scheduler.json": scheduler_cases(),
        "terminate-on-nan.json": terminate_on_nan_cases(),
        "schedules.json": schedule_cases(),
        "progbar.json": progbar_cases(),
    }
