"""OPERA-CT (HTS-AT Swin transformer) embedding path in PyTorch: the reference side of the throughput
benchmark. Written for Pneuma from OPERA's published architecture (evelyn0414/OPERA @ 3622310,
src/model/htsat/htsat.py); state-dict names equal OPERA's under `encoder.encoder.htsat.`, so
`load_opera_state_dict` takes a real `encoder-operaCT.ckpt`.

Input [B, T, 64] with T <= 1024 (the same layout as Pneuma's graph input), output the 768-d
`latent_output` [B, 768] (mean of the final tokens after the last LayerNorm). Eval-mode forward only:
bn0 over the mel bins, bicubic (align_corners) resize to 1024 frames when T < 1024, 4x256 fold, Swin
stages, norm, mean. The unused modules of the reference (torchlibrosa extractors, tscam_conv, head) are
present so checkpoints load strictly; they are not run. Nothing else (no tscam branch, no attention-map
averaging) is computed, so this is the lean PyTorch formulation of the same embedding.

build(full) -> torch.nn.Module: full=True is OPERA-CT as published, full=False Pneuma's tiny test preset.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

FULL = dict(mel_bins=64, spec_size=256, patch_size=4, patch_stride=4, embed_dim=96, depths=(2, 2, 6, 2),
            num_heads=(4, 8, 16, 32), window_size=8, mlp_ratio=4.0, num_classes=527, n_fft=1024)
TINY = dict(FULL, patch_size=16, patch_stride=16, embed_dim=4, depths=(2, 2), num_heads=(1, 2),
            window_size=4, num_classes=3, n_fft=8)
PREFIX = "encoder.encoder.htsat."
COLA_HEAD = ("g.", "layer_norm.", "linear.")


def relative_index(win):
    ys, xs = torch.meshgrid(torch.arange(win), torch.arange(win), indexing="ij")
    pos = torch.stack([ys.flatten(), xs.flatten()])  # 2, N
    d = pos[:, :, None] - pos[:, None, :] + (win - 1)  # 2, N, N
    return d[0] * (2 * win - 1) + d[1]


def partition(x, win):
    """[B, H, W, C] -> [B * nW, win * win, C], windows row-major."""
    b, h, w, c = x.shape
    return x.view(b, h // win, win, w // win, win, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, win * win, c)


def unpartition(x, win, h, w):
    c = x.shape[-1]
    return x.view(-1, h // win, w // win, win, win, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, h, w, c)


def shift_mask(h, w, win, shift):
    label = torch.zeros(1, h, w, 1)
    bands = lambda n: (slice(0, n - win), slice(n - win, n - shift), slice(n - shift, n))
    for i, rs in enumerate(bands(h)):
        for j, cs in enumerate(bands(w)):
            label[:, rs, cs, :] = i * 3 + j
    lw = partition(label, win).squeeze(-1)  # nW, N
    diff = lw[:, None, :] - lw[:, :, None]
    return torch.where(diff != 0, torch.tensor(-100.0), torch.tensor(0.0))


class WindowAttention(nn.Module):
    def __init__(self, dim, heads, win):
        super().__init__()
        self.heads, self.win = heads, win
        self.scale = (dim // heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * win - 1) ** 2, heads))
        self.register_buffer("relative_position_index", relative_index(win))
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask):
        bw, n, c = x.shape
        q, k, v = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        logits = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1).permute(2, 0, 1)
        logits = logits + bias.unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            logits = (logits.view(-1, nw, self.heads, n, n) + mask[None, :, None]).view(-1, self.heads, n, n)
        return self.proj((logits.softmax(-1) @ v).transpose(1, 2).reshape(bw, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, res, win, shift, mlp_ratio):
        super().__init__()
        if min(res) <= win:
            win, shift = min(res), 0
        self.res, self.win, self.shift = res, win, shift
        self.register_buffer("attn_mask", shift_mask(res[0], res[1], win, shift) if shift else None)
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, heads, win)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        (h, w), s, b, c = self.res, self.shift, x.shape[0], x.shape[2]
        y = self.norm1(x).view(b, h, w, c)
        if s:
            y = torch.roll(y, (-s, -s), (1, 2))
        y = unpartition(self.attn(partition(y, self.win), self.attn_mask), self.win, h, w)
        if s:
            y = torch.roll(y, (s, s), (1, 2))
        x = x + y.reshape(b, h * w, c)
        return x + self.mlp(self.norm2(x))


class PatchMerging(nn.Module):
    def __init__(self, res, dim):
        super().__init__()
        self.res = res
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(4 * dim)

    def forward(self, x):
        (h, w), b, c = self.res, x.shape[0], x.shape[2]
        x = x.view(b, h, w, c)
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1)
        return self.reduction(self.norm(x.view(b, -1, 4 * c)))


class Stage(nn.Module):
    def __init__(self, dim, depth, heads, res, win, mlp_ratio, merge):
        super().__init__()
        self.blocks = nn.ModuleList(
            SwinBlock(dim, heads, res, win, 0 if i % 2 == 0 else win // 2, mlp_ratio) for i in range(depth))
        self.downsample = PatchMerging(res, dim) if merge else None

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return self.downsample(x) if self.downsample is not None else x


class PatchEmbed(nn.Module):
    def __init__(self, patch, stride, dim):
        super().__init__()
        self.proj = nn.Conv2d(1, dim, patch, stride, padding=(patch - stride) // 2)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        return self.norm(self.proj(x).flatten(2).transpose(1, 2))


class Stft(nn.Module):
    """Holder of torchlibrosa's frozen STFT kernels, which the reference builds but never runs."""

    def __init__(self, bins, n_fft):
        super().__init__()
        self.conv_real = nn.Conv1d(1, bins, n_fft, bias=False)
        self.conv_imag = nn.Conv1d(1, bins, n_fft, bias=False)


class HtsatEmbedding(nn.Module):
    def __init__(self, mel_bins, spec_size, patch_size, patch_stride, embed_dim, depths, num_heads, window_size,
                 mlp_ratio, num_classes, n_fft):
        super().__init__()
        self.mel_bins, self.ratio = mel_bins, spec_size // mel_bins
        self.target = spec_size * self.ratio
        bins = n_fft // 2 + 1
        self.spectrogram_extractor = nn.Module()
        self.spectrogram_extractor.stft = Stft(bins, n_fft)
        self.logmel_extractor = nn.Module()
        self.logmel_extractor.melW = nn.Parameter(torch.zeros(bins, mel_bins))
        self.bn0 = nn.BatchNorm2d(mel_bins)
        self.patch_embed = PatchEmbed(patch_size, patch_stride, embed_dim)
        grid = spec_size // patch_stride
        n = len(depths)
        self.layers = nn.ModuleList(
            Stage(embed_dim * 2 ** i, depths[i], num_heads[i], (grid // 2 ** i, grid // 2 ** i), window_size, mlp_ratio,
                  i < n - 1) for i in range(n))
        features = embed_dim * 2 ** (n - 1)
        self.norm = nn.LayerNorm(features)
        self.tscam_conv = nn.Conv2d(features, num_classes, (spec_size // 2 ** (n - 1) // patch_stride // self.ratio, 3),
                                    padding=(0, 1))
        self.head = nn.Linear(num_classes, num_classes)

    def forward(self, x):
        b, t, f = x.shape
        x = self.bn0(x.transpose(1, 2).unsqueeze(-1)).squeeze(-1)  # [B, F, T], BatchNorm over the mel bins
        x = x.unsqueeze(1)  # [B, 1, F, T]
        if t < self.target:
            x = F.interpolate(x, (f, self.target), mode="bicubic", align_corners=True)
        chunk = self.target // self.ratio
        x = x.view(b, f, self.ratio, chunk).transpose(1, 2).reshape(b, 1, self.ratio * f, chunk)
        x = self.patch_embed(x)
        for layer in self.layers:
            x = layer(x)
        return self.norm(x).mean(1)


def build_config(cfg):
    return HtsatEmbedding(**cfg).eval()


def build(full):
    return build_config(FULL if full else TINY)


def load_opera_state_dict(model, state_dict):
    """Strictly load an OPERA Cola(encoder='htsat') state dict: keys under PREFIX, COLA head dropped."""
    own = {k[len(PREFIX):]: v for k, v in state_dict.items() if k.startswith(PREFIX)}
    rest = [k for k in state_dict if not k.startswith(PREFIX) and not k.startswith(COLA_HEAD)]
    if rest:
        raise KeyError(f"unexpected keys outside {PREFIX}: {rest[:10]}")
    model.load_state_dict(own, strict=True)
    return model


def check(fixtures_dir):
    """Max abs error of this model (reduced fixture config, strict load) against opera_ct's expected embeddings;
    T > 1024 is cut into OPERA's windows range(0, T - 1025, 512) and the embeddings averaged."""
    import os
    import numpy as np
    d = os.path.join(fixtures_dir, "opera_ct")
    model = build_config(dict(FULL, embed_dim=24, num_heads=(1, 2, 4, 8)))
    load_opera_state_dict(model, torch.load(os.path.join(d, "opera_ct_reduced_random.ckpt"), map_location="cpu")["state_dict"])
    errors = {}
    with torch.inference_mode():
        for t in (63, 251, 1024, 1500, 2100):
            x = torch.from_numpy(np.load(os.path.join(d, f"input_T{t}.npy")))
            starts = list(range(0, t - 1025, 512)) if t > 1024 else [0]
            y = torch.stack([model(x[:, p:p + min(t, 1024)]) for p in starts]).mean(0)
            errors[f"embedding_T{t}"] = float(np.abs(y.numpy() - np.load(os.path.join(d, f"embedding_T{t}.npy"))).max())
    return errors
