"""PyTorch side of bench/mlp.bench.ts: the same 784-1000-10 MLP, Adam, batch 128."""
import time

import torch
from common import fashion_mnist, report, setup

args = setup([("--train", int, 10000), ("--epochs", int, 2)])
x, y = fashion_mnist("train", args.train)
xt, yt = fashion_mnist("t10k", 10000)
model = torch.nn.Sequential(torch.nn.Linear(784, 1000), torch.nn.ReLU(), torch.nn.Linear(1000, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
t0 = time.perf_counter()
for _ in range(args.epochs):
    perm = torch.randperm(x.shape[0])
    for i in range(0, x.shape[0], 128):
        idx = perm[i : i + 128]
        opt.zero_grad()
        loss_fn(model(x[idx]), y[idx]).backward()
        opt.step()
seconds = time.perf_counter() - t0
with torch.no_grad():
    acc = (model(xt).argmax(1) == yt).float().mean().item()
report({"samplesPerSec": x.shape[0] * args.epochs / seconds, "testAccuracy": acc, "seconds": seconds})
