"""PyTorch side of bench/cnn.bench.ts: conv16-pool-conv32-pool-dense10, Adam, batch 128."""
from common import fashion_mnist, fit_and_test, report, setup
from torch import nn

args = setup([("--train", int, 10000), ("--epochs", int, 1)])
x, y = fashion_mnist("train", args.train)
xt, yt = fashion_mnist("t10k", 10000)
x = x.reshape(-1, 1, 28, 28)
xt = xt.reshape(-1, 1, 28, 28)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
)
seconds, acc = fit_and_test(model, x, y, xt, yt, args.epochs)
report({"samplesPerSec": x.shape[0] * args.epochs / seconds, "testAccuracy": acc, "seconds": seconds,
        "trainSamples": x.shape[0] * args.epochs})
