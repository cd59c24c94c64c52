"""PyTorch side of bench/cnn.bench.ts: conv16-pool-conv32-pool-dense10, Adam, batch 128."""
import time

import torch
from common import fashion_mnist, report, setup

args = setup([("--train", int, 10000), ("--epochs", int, 1)])
x, y = fashion_mnist("train", args.train)
xt, yt = fashion_mnist("t10k", 10000)
x = x.reshape(-1, 1, 28, 28)
xt = xt.reshape(-1, 1, 28, 28)
nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
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
report({"samplesPerSec": x.shape[0] * args.epochs / seconds, "testAccuracy": acc, "seconds": seconds,
        "trainSamples": x.shape[0] * args.epochs})
