"""PyTorch reference for bench/train-throughput.ts: the same two encoders, shapes, head, loss, clipping and
optimizer, timed in PyTorch on the CPU with the same number of threads. Written for Pneuma from the
published architectures (not copied):

  ce  OPERA-CE: cnn1 = Conv2d(1, 3, 3) then EfficientNet-B0 as EfficientNet-PyTorch 0.7.1 builds it with
      image_size 224 (static TF-SAME padding computed for 224 whatever the input, BN eps 1e-3 and momentum
      0.01, swish, squeeze-excitation, drop-connect 0.1 * i / 16 in training, as OPERA), global average pool -> 1280;
      input [32, 251, 64]. Swish is F.silu (the fused kernel, faster than the package's MemoryEfficientSwish).
  gt  OPERA-GT: ViT-S/4 (12 timm blocks, dim 384, 6 heads, MLP 1536, exact GELU, LayerNorm eps 1e-6, qkv bias,
      fixed sin-cos position table as a buffer, class token), mean of the patch tokens then LayerNorm -> 384;
      input [16, 64, 64] -> 256 patches. Attention is the explicit softmax(q k^T) v of timm without fused
      attention (torch 1.13 has no scaled_dot_product_attention).

Each model gets Linear(dim, 10) and cross-entropy on fixed random labels. A training step is zero_grad,
forward (train mode), loss, backward, clip_grad_norm_(1.0) and AdamW(lr 1e-4, weight_decay 0.01, torch
defaults otherwise); forward-only is eval mode under torch.inference_mode(). Prints one JSON line:
{"train_samples_per_s", "forward_samples_per_s", "torch"}.

With --serve the script warms up, prints {"ready": ..., "torch": ...} and then answers commands read from
stdin, one JSON line each: "train N" -> {"seconds": [...]} of N timed training steps, "forward N" -> the same
for forward passes, "quit". bench/train-throughput.ts uses this to interleave PyTorch and ONNX Runtime runs,
so that load from other processes on a shared machine falls on both alike.

  /usr/bin/python3 bench/torch_train.py --model ce|gt [--threads 2] [--steps 3] [--warmup 1] [--serve]
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# EfficientNet-B0 block table: (repeats, kernel, stride, expand, in, out, se_ratio)
B0_BLOCKS = [(1, 3, 1, 1, 32, 16, 0.25), (2, 3, 2, 6, 16, 24, 0.25), (2, 5, 2, 6, 24, 40, 0.25), (3, 3, 2, 6, 40, 80, 0.25),
             (3, 5, 1, 6, 80, 112, 0.25), (4, 5, 2, 6, 112, 192, 0.25), (1, 3, 1, 6, 192, 320, 0.25)]


def same_pads(size, k, s):
    """TF-SAME pads for a fixed image size: (left, right, top, bottom) as F.pad takes them."""
    ph = max((math.ceil(size[0] / s) - 1) * s + k - size[0], 0)
    pw = max((math.ceil(size[1] / s) - 1) * s + k - size[1], 0)
    return (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2)


class StaticSameConv(nn.Conv2d):
    def __init__(self, cin, cout, k, s=1, groups=1, bias=False, image=(224, 224)):
        super().__init__(cin, cout, k, s, 0, groups=groups, bias=bias)
        self.pads = same_pads(image, k, s)

    def forward(self, x):
        return F.conv2d(F.pad(x, self.pads), self.weight, self.bias, self.stride, 0, 1, self.groups)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, s, expand, se, image, drop):
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = StaticSameConv(cin, mid, 1, image=image)
            self._bn0 = bn(mid)
        self._depthwise_conv = StaticSameConv(mid, mid, k, s, groups=mid, image=image)
        self._bn1 = bn(mid)
        sq = max(1, int(cin * se))
        self._se_reduce = nn.Conv2d(mid, sq, 1)
        self._se_expand = nn.Conv2d(sq, mid, 1)
        self._project_conv = StaticSameConv(mid, cout, 1, image=(math.ceil(image[0] / s), math.ceil(image[1] / s)))
        self._bn2 = bn(cout)
        self.skip = s == 1 and cin == cout
        self.drop = drop

    def forward(self, x):
        h = F.silu(self._bn0(self._expand_conv(x))) if self.expand else x
        h = F.silu(self._bn1(self._depthwise_conv(h)))
        g = self._se_expand(F.silu(self._se_reduce(F.adaptive_avg_pool2d(h, 1))))
        h = torch.sigmoid(g) * h
        h = self._bn2(self._project_conv(h))
        if self.skip:
            if self.training and self.drop > 0:
                keep = 1 - self.drop
                mask = torch.floor(keep + torch.rand(h.shape[0], 1, 1, 1, dtype=h.dtype))
                h = h / keep * mask
            h = h + x
        return h


class OperaCe(nn.Module):
    def __init__(self, drop_connect=0.1):
        super().__init__()
        self.cnn1 = nn.Conv2d(1, 3, 3)
        image = (224, 224)
        self._conv_stem = StaticSameConv(3, 32, 3, 2, image=image)
        self._bn0 = bn(32)
        image = (112, 112)
        args = []
        for r, k, s, e, cin, cout, se in B0_BLOCKS:
            for i in range(r):
                args.append((cin if i == 0 else cout, cout, k, s if i == 0 else 1, e, se))
        blocks = []
        for idx, (cin, cout, k, s, e, se) in enumerate(args):
            blocks.append(MBConv(cin, cout, k, s, e, se, image, drop_connect * idx / len(args)))
            image = (math.ceil(image[0] / s), math.ceil(image[1] / s))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = StaticSameConv(320, 1280, 1, image=image)
        self._bn1 = bn(1280)
        self.dim = 1280

    def forward(self, x):
        h = self.cnn1(x.unsqueeze(1))
        h = F.silu(self._bn0(self._conv_stem(h)))
        for blk in self._blocks:
            h = blk(h)
        h = F.silu(self._bn1(self._conv_head(h)))
        return h.mean(dim=(2, 3))


def sincos_table(dim, gh, gw):
    """MAE-style 2-D sin-cos table [1 + gh*gw, dim] with a zero class row."""
    def one_d(d, pos):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2))
        out = pos.reshape(-1, 1).double() * omega
        return torch.cat([out.sin(), out.cos()], dim=1)
    ys, xs = torch.meshgrid(torch.arange(gh), torch.arange(gw), indexing="ij")
    table = torch.cat([one_d(dim // 2, xs.flatten()), one_d(dim // 2, ys.flatten())], dim=1)
    return torch.cat([torch.zeros(1, dim, dtype=torch.float64), table]).float()


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        self.heads = heads

    def forward(self, x):
        b, n, c = x.shape
        d = c // self.heads
        qkv = self.qkv(self.norm1(x)).reshape(b, n, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * d ** -0.5) @ k.transpose(-2, -1)).softmax(dim=-1)
        x = x + self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class OperaGt(nn.Module):
    def __init__(self, dim=384, depth=12, heads=6, patch=4, grid=(16, 16)):
        super().__init__()
        self.proj = nn.Conv2d(1, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.register_buffer("pos_embed", sincos_table(dim, *grid).unsqueeze(0))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.dim = dim

    def forward(self, x):
        t = self.proj(x.unsqueeze(1)).flatten(2).transpose(1, 2)
        n = t.shape[1]
        t = t + self.pos_embed[:, 1:n + 1]
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(t.shape[0], -1, -1)
        h = torch.cat([cls, t], dim=1)
        for blk in self.blocks:
            h = blk(h)
        return self.norm(h[:, 1:].mean(dim=1))


class WithHead(nn.Module):
    def __init__(self, encoder, classes=10):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.dim, classes)

    def forward(self, x):
        return self.head(self.encoder(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["ce", "gt"], required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.model == "ce":
        model, batch, shape = WithHead(OperaCe()), 32, (251, 64)
    else:
        model, batch, shape = WithHead(OperaGt()), 16, (64, 64)
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)

    def train_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    def forward():
        model.eval()
        with torch.inference_mode():
            model(x)
        model.train()

    def timed(fn, n):
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        return out

    version = f"{torch.__version__}, {torch.get_num_threads()} threads, mkldnn {torch.backends.mkldnn.is_available()}"
    if a.serve:
        model.train()
        timed(train_step, a.warmup)
        timed(forward, max(1, a.warmup))
        print(json.dumps({"ready": True, "torch": version}), flush=True)
        for line in sys.stdin:
            cmd = line.split()
            if not cmd or cmd[0] == "quit":
                break
            fn = train_step if cmd[0] == "train" else forward
            print(json.dumps({"seconds": timed(fn, int(cmd[1]))}), flush=True)
        return

    model.train()
    for _ in range(a.warmup):
        train_step()
    secs = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        train_step()
        secs.append(time.perf_counter() - t0)
    model.eval()
    fsecs = []
    with torch.inference_mode():
        for _ in range(max(1, a.warmup)):
            model(x)
        for _ in range(max(3, a.steps)):
            t0 = time.perf_counter()
            model(x)
            fsecs.append(time.perf_counter() - t0)
    print(json.dumps({
        "train_samples_per_s": batch / statistics.median(secs),
        "forward_samples_per_s": batch / statistics.median(fsecs),
        "torch": version,
    }))


if __name__ == "__main__":
    main()
