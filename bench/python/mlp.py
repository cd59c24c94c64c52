"""PyTorch side of bench/mlp.bench.ts: the same 784-1000-10 MLP, Adam, batch 128."""
import torch
from common import fashion_mnist, fit_and_test, report, setup

args = setup([("--train", int, 10000), ("--epochs", int, 2)])
x, y = fashion_mnist("train", args.train)
xt, yt = fashion_mnist("t10k", 10000)
model = torch.nn.Sequential(torch.nn.Linear(784, 1000), torch.nn.ReLU(), torch.nn.Linear(1000, 10))
seconds, acc = fit_and_test(model, x, y, xt, yt, args.epochs)
report({"samplesPerSec": x.shape[0] * args.epochs / seconds, "testAccuracy": acc, "seconds": seconds})
