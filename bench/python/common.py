"""Shared by the PyTorch side of the runtime benchmarks: thread setup, Fashion-MNIST, training, result printing."""
import argparse
import gzip
import json
import time

import numpy as np
import torch

FMNIST = "/usr/share/datasets/fashion-mnist"


def setup(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    for name, kind, default in extra or []:
        p.add_argument(name, type=kind, default=default)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    return args


def fashion_mnist(split, limit):
    with gzip.open(f"{FMNIST}/{split}-images-idx3-ubyte.gz") as f:
        img = np.frombuffer(f.read(), np.uint8, offset=16)
    with gzip.open(f"{FMNIST}/{split}-labels-idx1-ubyte.gz") as f:
        lab = np.frombuffer(f.read(), np.uint8, offset=8)
    n = min(limit, lab.shape[0])
    x = torch.from_numpy(img[: n * 784].astype(np.float32) / 255.0).reshape(n, 784)
    y = torch.from_numpy(lab[:n].astype(np.int64))
    return x, y


def fit_and_test(model, x, y, xt, yt, epochs, batch=128):
    """Adam (lr 1e-3) on shuffled batches of `batch` for `epochs`; returns the fit's seconds and test accuracy."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], batch):
            idx = perm[i : i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    return seconds, acc


def report(row):
    print("BENCH_RESULT " + json.dumps(row), flush=True)
