"""Golden values for COLA's head and loss (test/fixtures/golden/cola-head, see its PROVENANCE.md).

The head of OPERA's `ColaMD` (evelyn0414/OPERA @ 3622310, src/model/models_cola.py) written out with torch
modules of the same names and shapes (g = Linear(6, 5), layer_norm = LayerNorm(5), linear = Linear(5, 5,
bias=False)), in eval mode (dropout off), applied to two given feature batches h1, h2 [4, 6] standing for
the encoder outputs; loss = cross_entropy(linear(z1) @ z2^T, arange(4)). Saves the inputs, the weights,
the loss and the gradients of the loss with respect to every weight and both feature batches, float64.

  /usr/bin/python3 bench/tools/make_cola_head_golden.py test/fixtures/golden/cola-head
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(1234)
g = torch.nn.Linear(6, 5).double()
ln = torch.nn.LayerNorm(5).double()
lin = torch.nn.Linear(5, 5, bias=False).double()
with torch.no_grad():
    ln.weight.copy_(1 + 0.3 * torch.randn(5, dtype=torch.float64))
    ln.bias.copy_(0.2 * torch.randn(5, dtype=torch.float64))
h1 = torch.randn(4, 6, dtype=torch.float64, requires_grad=True)
h2 = torch.randn(4, 6, dtype=torch.float64, requires_grad=True)
z = [torch.tanh(ln(g(h))) for h in (h1, h2)]
logits = lin(z[0]) @ z[1].t()
loss = F.cross_entropy(logits, torch.arange(4))
loss.backward()
arrays = {
    'h1': h1, 'h2': h2, 'g.weight': g.weight, 'g.bias': g.bias, 'layer_norm.weight': ln.weight, 'layer_norm.bias': ln.bias,
    'linear.weight': lin.weight, 'logits': logits, 'loss': loss,
}
for k, v in arrays.items():
    np.save(os.path.join(out, f'{k}.npy'), v.detach().numpy())
for k, v in {'h1': h1, 'h2': h2, 'g.weight': g.weight, 'g.bias': g.bias, 'layer_norm.weight': ln.weight, 'layer_norm.bias': ln.bias, 'linear.weight': lin.weight}.items():
    np.save(os.path.join(out, f'grad.{k}.npy'), v.grad.numpy())
print('loss', float(loss), 'torch', torch.__version__)
