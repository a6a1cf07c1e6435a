"""PyTorch reference for bench/pretrain-throughput.ts: the same two pretraining steps, timed on the CPU with
the same batch, input length and thread count. Written for Pneuma from OPERA's published code (not copied):

  cola-ce  OPERA-CE COLA step (src/model/models_cola.py ColaMD): the EfficientNet-B0 encoder of
           bench/torch_models/opera_ce.py with OPERA's drop-connect (0.1 * block / 16, training only) run on
           each view, dropout 0.1 after the encoder, after g (Linear 1280->512) and after tanh(LayerNorm(512)),
           bilinear Linear(512, 512, bias=False), logits x1 @ z2^T, cross-entropy against arange(B);
           inputs x1, x2 [B, T, 64].
  mae-gt   OPERA-GT MAE step (src/model/models_mae.py MaskedAutoencoderViTMD): ViT-S/4 encoder on the visible
           patches (mask ratio 0.7, MAE's random_masking), decoder_embed 384->256, mask tokens, the fixed
           decoder position table, 16 SwinV2-CR blocks of OPERA's patched timm file (post-norm, cosine
           attention with learnable tau, log-spaced relative-position meta-MLP 2->384->16 with dropout 0.1,
           windows 4x4, shift (2, 0) on odd blocks, and the `x.view(B, H, W, L)` reinterpretation replayed as
           fixed token gathers, as src/encoders/opera-swin-decoder.ts does), decoder_norm, decoder_pred
           256->16, MSE on the masked patches; input x [B, T, 64].

Both use torch.optim.Adam(lr=1e-4) (OPERA's optimizer). One step is zero_grad, forward, loss, backward, step.
Prints one JSON line: {"case", "train_samples_per_s", "step_seconds", "torch", "threads"}.

  /usr/bin/python3 bench/torch_pretrain.py --case cola-ce|mae-gt --batch B --frames T [--threads 2] [--steps 3] [--warmup 1]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import opera_ce, opera_gt  # noqa: E402


# ---------------------------------------------------------------- COLA + OPERA-CE

class DropConnectEncoder(nn.Module):
    """opera_ce.Encoder with EfficientNet-PyTorch's drop-connect in training (rate 0.1 * block_index / 16)."""

    def __init__(self):
        super().__init__()
        self.inner = opera_ce.Encoder(True)

    def forward(self, x):
        net = self.inner.efficientnet
        h = F.silu(net._bn0(net._conv_stem(self.inner.cnn1(x.unsqueeze(1)))))
        n = len(net._blocks)
        for i, blk in enumerate(net._blocks):
            inputs = h
            y = h
            if blk.expand:
                y = F.silu(blk._bn0(blk._expand_conv(y)))
            y = F.silu(blk._bn1(blk._depthwise_conv(y)))
            if blk.se:
                s = blk._se_expand(F.silu(blk._se_reduce(F.adaptive_avg_pool2d(y, 1))))
                y = torch.sigmoid(s) * y
            y = blk._bn2(blk._project_conv(y))
            if blk.skip:
                if self.training:
                    keep = 1 - 0.1 * i / n
                    mask = torch.floor(keep + torch.rand(y.shape[0], 1, 1, 1))
                    y = y / keep * mask
                y = y + inputs
            h = y
        h = F.silu(net._bn1(net._conv_head(h)))
        return F.adaptive_avg_pool2d(h, 1).flatten(1)


class Cola(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = DropConnectEncoder()
        self.do = nn.Dropout(0.1)
        self.g = nn.Linear(1280, 512)
        self.layer_norm = nn.LayerNorm(512)
        self.linear = nn.Linear(512, 512, bias=False)

    def project(self, x):
        z = self.do(self.g(self.do(self.encoder(x))))
        return self.do(torch.tanh(self.layer_norm(z)))

    def loss(self, x1, x2):
        logits = self.linear(self.project(x1)) @ self.project(x2).t()
        return F.cross_entropy(logits, torch.arange(x1.shape[0]))


# ---------------------------------------------------------------- MAE + OPERA-GT

def pyslice(n, start, stop):
    norm = lambda v, d: d if v is None else min(max(v + n if v < 0 else v, 0), n)
    return norm(start, 0), norm(stop, n)


def quirk_maps(L, C, feat, window, shift):
    """Token gathers equivalent to `_shifted_window_attn`'s view/roll/partition (see opera-swin-decoder.ts)."""
    H, W = feat
    wh, ww = window
    sh, sw = shift
    A, nWc = wh * ww, W // ww
    nWin = (H // wh) * nWc
    G = L // A
    tok_in = []
    for s in range(G * A):
        f = s * C
        win, rem = f // (A * L), f % (A * L)
        i, j, k = rem // (ww * L), (rem // L) % ww, rem % L
        h = ((win // nWc) * wh + i + sh) % H
        w = ((win % nWc) * ww + j + sw) % W
        tok_in.append(((h * W + w) * L + k) // C)
    tok_out = []
    for l in range(L):
        beta, pixel = l // C, l % C
        h0, w0 = (pixel // W - sh) % H, (pixel % W - sw) % W
        omega = beta * nWin + (h0 // wh) * nWc + (w0 // ww)
        tok_out.append(omega * A + (h0 % wh) * ww + (w0 % ww))
    mask = None
    if sh or sw:
        img = torch.zeros(H, W)
        cnt = 0
        for h0, h1 in (pyslice(H, 0, -wh), pyslice(H, -wh, -sh), pyslice(H, -sh, None)):
            for w0, w1 in (pyslice(W, 0, -ww), pyslice(W, -ww, -sw), pyslice(W, -sw, None)):
                img[h0:h1, w0:w1] = cnt
                cnt += 1
        win = img.view(H // wh, wh, W // ww, ww).permute(0, 2, 1, 3).reshape(nWin, A)
        m = (win.unsqueeze(1) - win.unsqueeze(2) != 0).float() * -100.0
        mask = m.repeat(G // nWin + 1, 1, 1)[:G].unsqueeze(1)
    return torch.tensor(tok_in), torch.tensor(tok_out), mask


def rel_log(window):
    wh, ww = window
    A = wh * ww
    p = torch.arange(A)
    d = torch.stack([(p // ww).view(-1, 1) - (p // ww).view(1, -1), (p % ww).view(-1, 1) - (p % ww).view(1, -1)], -1).float()
    return (torch.sign(d) * torch.log1p(d.abs())).view(A * A, 2)


class SwinCrBlock(opera_gt.SwinCrParams):
    def setup(self, L, index, heads):
        shift = (2, 0) if index % 2 == 1 else (0, 0)
        self.heads = heads
        self.tok_in, self.tok_out, self.mask = quirk_maps(L, 256, (32, 8), (4, 4), shift)
        self.rel = rel_log((4, 4))
        self.drop = nn.Dropout(0.1)

    def attn_forward(self, x):
        B, L, C = x.shape
        A, H = 16, self.heads
        G = L // A
        d = C // H
        g = x[:, self.tok_in].view(B, G, A, C)
        q, k, v = self.attn.qkv(g).view(B, G, A, 3, H, d).permute(3, 0, 1, 4, 2, 5).unbind(0)
        denom = torch.clamp(q.norm(dim=-1, keepdim=True) @ k.norm(dim=-1, keepdim=True).transpose(-2, -1), min=1e-6)
        logits = (q @ k.transpose(-2, -1)) / denom / torch.clamp(self.attn.tau, min=0.01).view(1, 1, H, 1, 1)
        bias = self.drop(self.attn.meta_mlp.fc2(self.drop(F.relu(self.attn.meta_mlp.fc1(self.rel)))))
        logits = logits + bias.t().reshape(1, 1, H, A, A)
        if self.mask is not None:
            logits = logits + self.mask.view(1, G, 1, A, A)
        out = (logits.softmax(-1) @ v).permute(0, 1, 3, 2, 4).reshape(B, G * A, C)
        return self.attn.proj(out)[:, self.tok_out]

    def forward(self, x):
        x = x + self.norm1(self.attn_forward(x))
        return x + self.norm2(self.mlp(x))


class Mae(nn.Module):
    def __init__(self, frames):
        super().__init__()
        self.m = opera_gt.build_config(opera_gt.FULL)
        self.L = (frames // 4) * 16
        blocks = nn.ModuleList()
        for i in range(16):
            blk = SwinCrBlock(256, 16, 384, 4.0)
            blk.setup(self.L, i, 16)
            blocks.append(blk)
        self.m.decoder_blocks = blocks

    def loss(self, x, ratio=0.7):
        m = self.m
        B = x.shape[0]
        t = m.patch_embed.proj(x.unsqueeze(1)).flatten(2).transpose(1, 2) + m.pos_embed[:, 1:self.L + 1]
        K = int(self.L * (1 - ratio))
        ids_shuffle = torch.argsort(torch.rand(B, self.L), dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        keep = ids_shuffle[:, :K]
        vis = torch.gather(t, 1, keep.unsqueeze(-1).expand(-1, -1, t.shape[2]))
        h = torch.cat([(m.cls_token + m.pos_embed[:, :1]).expand(B, -1, -1), vis], 1)
        for blk in m.blocks:
            h = blk(h)
        h = m.decoder_embed(m.norm(h))
        seq = torch.cat([h[:, 1:], m.mask_token.expand(B, self.L - K, -1)], 1)
        seq = torch.gather(seq, 1, ids_restore.unsqueeze(-1).expand(-1, -1, seq.shape[2]))
        d = torch.cat([h[:, :1], seq], 1) + m.decoder_pos_embed[:, :self.L + 1]
        d = d[:, 1:]
        for blk in m.decoder_blocks:
            d = blk(d)
        pred = m.decoder_pred(m.decoder_norm(d))
        T = x.shape[1]
        target = x.view(B, T // 4, 4, 16, 4).permute(0, 1, 3, 2, 4).reshape(B, self.L, 16)
        mask = torch.ones(B, self.L)
        mask[:, :K] = 0
        mask = torch.gather(mask, 1, ids_restore)
        return (((pred - target) ** 2).mean(-1) * mask).sum() / mask.sum()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--case', required=True, choices=['cola-ce', 'mae-gt'])
    ap.add_argument('--batch', type=int, required=True)
    ap.add_argument('--frames', type=int, required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=3)
    ap.add_argument('--warmup', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    B, T = a.batch, a.frames
    if a.case == 'cola-ce':
        model = Cola()
        x1, x2 = torch.rand(B, T, 64), torch.rand(B, T, 64)
        loss_fn = lambda: model.loss(x1, x2)
    else:
        model = Mae(T)
        x = torch.rand(B, T, 64)
        loss_fn = lambda: model.loss(x)
    model.train()
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    secs = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        if not math.isfinite(loss.item()):
            raise SystemExit(f'loss is {loss.item()}')
        if i >= a.warmup:
            secs.append(dt)
    step = statistics.median(secs)
    print(json.dumps({'case': a.case, 'train_samples_per_s': B / step, 'step_seconds': step, 'torch': torch.__version__, 'threads': a.threads}))


if __name__ == '__main__':
    main()
