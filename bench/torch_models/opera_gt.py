"""OPERA-GT (ViT-S/4 masked autoencoder) embedding path in PyTorch: the reference side of the throughput
benchmark. Written for Pneuma from OPERA's published architecture (evelyn0414/OPERA @ 3622310,
src/model/models_mae.py::MaskedAutoencoderViTMD.forward_feature with timm 1.0.3 Blocks); state-dict names
equal OPERA's (unprefixed), so a real `encoder-operaGT.ckpt` loads strictly. The MAE decoder's parameters
are held (same names and shapes) but never run.

Input [B, T, 64] with T <= 256 (the Pneuma graph's input), outputs the 384-d embedding
norm(mean of the last block's patch tokens) and the last block's tokens [B, 1 + N, 384] (Pneuma's `tokens`
head). Attention is the non-fused timm path of torch < 2: (q * scale) @ k^T -> softmax -> @ v.

build(full) -> torch.nn.Module: full=True is OPERA-GT as published, full=False Pneuma's tiny test preset.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

FULL = dict(img_size=(256, 64), patch=4, dim=384, depth=12, heads=6, mlp_ratio=4.0, decoder=dict(mode=1, dim=256, blocks=16, heads=16, meta_hidden=384))
TINY = dict(img_size=(256, 64), patch=16, dim=8, depth=1, heads=2, mlp_ratio=2.0, decoder=dict(mode=0, dim=8, depth=1, heads=2))
EPS = 1e-6


def sincos_table(dim, rows, cols):
    """MAE's 2-D sin-cos table on a rows x cols grid (column index first), zero class row, float32 arithmetic."""
    omega = 1.0 / 10000 ** (torch.arange(dim // 4, dtype=torch.float32) / (dim / 4.0))
    r, c = torch.meshgrid(torch.arange(rows, dtype=torch.float32), torch.arange(cols, dtype=torch.float32), indexing="ij")
    def one(p):
        a = p.reshape(-1, 1) * omega
        return torch.cat([a.sin(), a.cos()], 1)
    return torch.cat([torch.zeros(1, dim), torch.cat([one(c), one(r)], 1)]).unsqueeze(0)


class Mlp(nn.Module):
    def __init__(self, dim, hidden, out=None):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, out or dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        a = ((q * self.scale) @ k.transpose(-2, -1)).softmax(-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=EPS)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SwinCrParams(nn.Module):
    """Parameter holder with the names of OPERA's decoder SwinTransformerBlock (not run here)."""

    def __init__(self, dim, heads, meta_hidden, mlp_ratio):
        super().__init__()
        self.attn = nn.Module()
        self.attn.tau = nn.Parameter(torch.ones(heads))
        self.attn.qkv = nn.Linear(dim, 3 * dim)
        self.attn.proj = nn.Linear(dim, dim)
        self.attn.meta_mlp = Mlp(2, meta_hidden, heads)
        self.norm1 = nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.norm2 = nn.LayerNorm(dim, eps=EPS)


class OperaGt(nn.Module):
    def __init__(self, img_size, patch, dim, depth, heads, mlp_ratio, decoder):
        super().__init__()
        rows, cols = img_size[0] // patch, img_size[1] // patch
        self.cols = cols
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(sincos_table(dim, cols, rows), requires_grad=False)
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(1, dim, patch, patch)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=EPS)
        d = decoder["dim"]
        self.decoder_embed = nn.Linear(dim, d)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, d))
        self.decoder_pos_embed = nn.Parameter(sincos_table(d, cols, rows), requires_grad=False)
        if decoder["mode"] == 1:
            self.decoder_blocks = nn.ModuleList([SwinCrParams(d, decoder["heads"], decoder["meta_hidden"], mlp_ratio) for _ in range(decoder["blocks"])])
        else:
            self.decoder_blocks = nn.ModuleList([Block(d, decoder["heads"], mlp_ratio) for _ in range(decoder["depth"])])
        self.decoder_norm = nn.LayerNorm(d, eps=EPS)
        self.decoder_pred = nn.Linear(d, patch * patch)
        nn.init.normal_(self.cls_token, std=0.02)

    def forward(self, x):
        t = self.patch_embed.proj(x.unsqueeze(1)).flatten(2).transpose(1, 2)
        n = t.shape[1]
        t = t + self.pos_embed[:, 1:n + 1]
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(t.shape[0], -1, -1)
        h = torch.cat([cls, t], 1)
        for blk in self.blocks:
            h = blk(h)
        return self.norm(h[:, 1:].mean(1)), h


def build_config(cfg):
    return OperaGt(**cfg).eval()


def build(full):
    return build_config(FULL if full else TINY)


def check(fixtures_dir):
    """Max abs error of this model (reduced fixture config, strict load) against opera_gt's expected outputs."""
    import os
    import numpy as np
    d = os.path.join(fixtures_dir, "opera_gt")
    model = build_config(dict(FULL, dim=96, depth=2, heads=2, decoder=dict(FULL["decoder"], dim=32)))
    model.load_state_dict(torch.load(os.path.join(d, "opera_gt_reduced_random.ckpt"), map_location="cpu")["state_dict"], strict=True)
    errors = {}
    with torch.inference_mode():
        for t in (256, 157, 251):
            emb, tokens = model(torch.from_numpy(np.load(os.path.join(d, f"input_T{t}.npy"))))
            errors[f"embedding_T{t}"] = float(np.abs(emb.numpy() - np.load(os.path.join(d, f"embedding_T{t}.npy"))).max())
            if t == 256:
                errors["tokens_block_out_T256"] = float(np.abs(tokens.numpy() - np.load(os.path.join(d, "debug_T256_tokens_block_out.npy"))).max())
        errors["pos_embed_vs_table"] = float((model.pos_embed - sincos_table(96, 16, 64)).abs().max())
    return errors
