"""HeAR (ViT-L/16, google/hear-pytorch) in PyTorch: the reference side of the throughput benchmark. Written
for Pneuma with the semantics of transformers' ViTModel (modeling_vit.py: ViTEmbeddings, ViTLayer, ViTPooler;
eager attention), so HF state-dict names load strictly.

Input [B, 1, 192, 128], outputs the 512-d pooler_output (Linear on the final CLS token, identity activation)
and last_hidden_state [B, 97, 1024] (Pneuma's `lastHiddenState` head). GELU is gelu_fast (tanh approximation).

build(full) -> torch.nn.Module: full=True is HeAR as configured by Google, full=False Pneuma's tiny test preset.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

FULL = dict(image=(192, 128), patch=(16, 16), hidden=1024, layers=24, heads=16, intermediate=4096, pooler=512)
TINY = dict(FULL, patch=(96, 64), hidden=4, layers=1, heads=2, intermediate=8, pooler=4)
EPS = 1e-6


def gelu_fast(x):
    return 0.5 * x * (1.0 + torch.tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)))


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def forward(self, x):
        b, n, c = x.shape
        split = lambda t: t.view(b, n, self.heads, c // self.heads).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        a = (q @ k.transpose(-1, -2) * (c // self.heads) ** -0.5).softmax(-1)
        return (a @ v).transpose(1, 2).reshape(b, n, c)


class Layer(nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.attention = nn.Module()
        self.attention.attention = SelfAttention(hidden, heads)
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(hidden, hidden)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(hidden, intermediate)
        self.output = nn.Module()
        self.output.dense = nn.Linear(intermediate, hidden)
        self.layernorm_before = nn.LayerNorm(hidden, eps=EPS)
        self.layernorm_after = nn.LayerNorm(hidden, eps=EPS)

    def forward(self, h):
        h = self.attention.output.dense(self.attention.attention(self.layernorm_before(h))) + h
        return self.output.dense(gelu_fast(self.intermediate.dense(self.layernorm_after(h)))) + h


class Hear(nn.Module):
    def __init__(self, image, patch, hidden, layers, heads, intermediate, pooler):
        super().__init__()
        n = (image[0] // patch[0]) * (image[1] // patch[1])
        self.embeddings = nn.Module()
        self.embeddings.cls_token = nn.Parameter(torch.randn(1, 1, hidden) * 0.02)
        self.embeddings.position_embeddings = nn.Parameter(torch.randn(1, n + 1, hidden) * 0.02)
        self.embeddings.patch_embeddings = nn.Module()
        self.embeddings.patch_embeddings.projection = nn.Conv2d(1, hidden, patch, patch)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([Layer(hidden, heads, intermediate) for _ in range(layers)])
        self.layernorm = nn.LayerNorm(hidden, eps=EPS)
        self.pooler = nn.Module()
        self.pooler.dense = nn.Linear(hidden, pooler)

    def forward(self, x):
        e = self.embeddings
        t = e.patch_embeddings.projection(x).flatten(2).transpose(1, 2)
        h = torch.cat([e.cls_token.expand(t.shape[0], -1, -1), t], 1) + e.position_embeddings
        for layer in self.encoder.layer:
            h = layer(h)
        last = self.layernorm(h)
        return self.pooler.dense(last[:, 0]), last


def build_config(cfg):
    return Hear(**cfg).eval()


def build(full):
    return build_config(FULL if full else TINY)


def check(fixtures_dir):
    """Max abs error of this model (the fixture's reduced config, strict load of pytorch_model.bin) against hear_vit."""
    import os
    import numpy as np
    d = os.path.join(fixtures_dir, "hear_vit")
    model = build_config(dict(FULL, hidden=64, layers=2, heads=4, intermediate=256))
    model.load_state_dict(torch.load(os.path.join(d, "pytorch_model.bin"), map_location="cpu"), strict=True)
    errors = {}
    with torch.inference_mode():
        for i in (0, 1):
            pooled, last = model(torch.from_numpy(np.load(os.path.join(d, f"input_{i}.npy"))))
            errors[f"pooler_output_{i}"] = float(np.abs(pooled.numpy() - np.load(os.path.join(d, f"pooler_output_{i}.npy"))).max())
            errors[f"last_hidden_state_{i}"] = float(np.abs(last.numpy() - np.load(os.path.join(d, f"last_hidden_state_{i}.npy"))).max())
    return errors
