"""PyTorch side of bench/kernels.bench.ts: matMul GFLOP/s per transpose case and the CNN's backprop kernels."""
import time

import torch
import torch.nn.functional as F
from common import report, setup

setup()
M, K, N = 128, 784, 1000


def timed(f):
    f()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.6 or n < 3:
        f()
        n += 1
    return (time.perf_counter() - t0) / n * 1000


row = {}
for case in ["NN", "TN", "NT", "TT"]:
    a = torch.randn(K, M) if case[0] == "T" else torch.randn(M, K)
    b = torch.randn(N, K) if case[1] == "T" else torch.randn(K, N)
    fa = (lambda a=a: a.t()) if case[0] == "T" else (lambda a=a: a)
    fb = (lambda b=b: b.t()) if case[1] == "T" else (lambda b=b: b)
    row[case] = 2 * M * K * N / timed(lambda: fa() @ fb()) / 1e6
a, b = torch.randn(8, 64, 256), torch.randn(8, 256, 256)
row["batched8"] = 2 * 8 * 64 * 256 * 256 / timed(lambda: a @ b) / 1e6
x = torch.randn(128, 16, 14, 14)
dy = torch.randn(128, 32, 14, 14)
w = torch.randn(32, 16, 3, 3)
row["convBackpropInputMs"] = timed(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=1))
row["convBackpropFilterMs"] = timed(lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=1))
xp = torch.randn(128, 16, 28, 28, requires_grad=True)
yp, idx = F.max_pool2d(xp, 2, return_indices=True)
gp = torch.randn_like(yp)
row["maxPoolGradMs"] = timed(lambda: torch.ops.aten.max_pool2d_with_indices_backward(gp, xp, [2, 2], [2, 2], [0, 0], [1, 1], False, idx))
report(row)
