"""PyTorch side of bench/lesson5.bench.ts: 2-500-1 with L2 0.01 on the hidden kernel, Adam, 30 samples."""
import time

import numpy as np
import torch
from common import report, setup
from sklearn.datasets import make_circles

args = setup([("--epochs", int, 300)])
X, y = make_circles(n_samples=100, noise=0.1, random_state=1)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
trainX, testX, trainy, testy = X[:30], X[30:], y[:30], y[30:]
hidden = torch.nn.Linear(2, 500)
model = torch.nn.Sequential(hidden, torch.nn.ReLU(), torch.nn.Linear(500, 1), torch.nn.Sigmoid())
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
bce = torch.nn.BCELoss()


def epoch():
    opt.zero_grad()
    loss = bce(model(trainX), trainy) + 0.01 * (hidden.weight ** 2).sum()
    loss.backward()
    opt.step()
    with torch.no_grad():  # validation every epoch, as Keras does with validation_data
        return ((model(testX) > 0.5).float() == testy).float().mean().item()


for _ in range(20):
    epoch()
t0 = time.perf_counter()
for _ in range(args.epochs):
    acc = epoch()
ms = (time.perf_counter() - t0) * 1000
report({"msPerEpoch": ms / args.epochs, "finalValAcc": acc})
