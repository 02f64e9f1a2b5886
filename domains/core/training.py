"""One training loop for the small networks the project trains: AdamW with a one-cycle schedule, seeded batches
(seed torch before building the net: its first weights come from the global generator),
the last epoch's weights (no early stopping on test data). Callers wrap it in threads.single_thread()."""
from __future__ import annotations

from typing import Any, Callable


def fit(net, X: Any, y: Any, *, epochs: int, batch: int, seed: int, lr: float = 3e-3, wd: float = 1e-4,
        loss: Callable | None = None, augment: Callable | None = None):
    """Train `net` on tensors X (or a tuple of tensors, passed as separate inputs) and y; `loss(out, y)` defaults
    to mean squared error; `augment(xb, generator)` may transform each batch. Returns the net in eval mode."""
    import torch
    loss = loss or torch.nn.functional.mse_loss
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=wd)
    n = len(y)
    steps = epochs * ((n + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    g = torch.Generator().manual_seed(seed)
    several = isinstance(X, (tuple, list))
    for _ep in range(epochs):
        net.train()
        for idx in torch.randperm(n, generator=g).split(batch):
            xb = tuple(x[idx] for x in X) if several else X[idx]
            if augment is not None:
                xb = augment(xb, g)
            opt.zero_grad()
            loss(net(*xb) if several else net(xb), y[idx]).backward()
            opt.step()
            sched.step()
    return net.eval()


def pinball(pred, y, quantiles=(0.1, 0.5, 0.9)):
    """The quantile (pinball) loss of predictions [n, len(quantiles)] against targets [n]."""
    import torch
    q = torch.tensor(quantiles, dtype=pred.dtype)
    e = y.unsqueeze(-1) - pred
    return torch.maximum(q * e, (q - 1) * e).mean()


def sorted_quantiles(raw):
    """Three raw outputs -> P10 <= P50 <= P90: the median, minus and plus a softplus, so they never cross."""
    import torch
    from torch import nn
    mid = raw[:, 1:2]
    return torch.cat([mid - nn.functional.softplus(raw[:, :1]), mid, mid + nn.functional.softplus(raw[:, 2:])], 1)
