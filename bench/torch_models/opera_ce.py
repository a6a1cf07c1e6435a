"""OPERA-CE in PyTorch: OPERA's `Encoder` (evelyn0414/OPERA src/model/models_cola.py) = cnn1 Conv2d(1, 3, 3) followed
by EfficientNet-B0 as EfficientNet-PyTorch 0.7.1 builds it with image_size 224 (static TF-SAME padding computed for
224x224, BatchNorm eps 1e-3, swish, squeeze-excitation on the block input filters), global average pool -> 1280-d.
State-dict names follow the reference, so the OPERA checkpoint's `encoder.*` keys load with strict=True.

Where the static padding is symmetric it is passed to the convolution instead of a separate pad (same result,
less work), so the timing is not handicapped by the reference library's ZeroPad2d modules.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

# (repeats, kernel, stride, expand, in, out, se_ratio): EfficientNet-PyTorch's B0 block strings
B0_BLOCKS = [(1, 3, 1, 1, 32, 16, 0.25), (2, 3, 2, 6, 16, 24, 0.25), (2, 5, 2, 6, 24, 40, 0.25), (3, 3, 2, 6, 40, 80, 0.25),
             (3, 5, 1, 6, 80, 112, 0.25), (4, 5, 2, 6, 112, 192, 0.25), (1, 3, 1, 6, 192, 320, 0.25)]
# the `tiny` preset of src/encoders/opera-ce.ts
TINY_BLOCKS = [(1, 3, 1, 1, 8, 8, 0.25), (2, 3, 2, 2, 8, 16, 0.25), (1, 5, 2, 2, 16, 16, None)]


def same_pads(image, k, s):
    """Conv2dStaticSamePadding: (left, right, top, bottom) for an image of size `image`."""
    pads = []
    for i in image:
        o = math.ceil(i / s)
        p = max((o - 1) * s + k - i, 0)
        pads.append((p // 2, p - p // 2))
    (top, bottom), (left, right) = pads
    return left, right, top, bottom


class StaticSameConv(nn.Conv2d):
    def __init__(self, cin, cout, k, image, stride=1, groups=1, bias=False):
        l, r, t, b = same_pads(image, k, stride)
        symmetric = l == r and t == b
        super().__init__(cin, cout, k, stride=stride, groups=groups, bias=bias, padding=(t, l) if symmetric else 0)
        self.extra_pad = None if symmetric else (l, r, t, b)

    def forward(self, x):
        if self.extra_pad is not None:
            x = F.pad(x, self.extra_pad)
        return super().forward(x)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, stride, expand, se, image):
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = StaticSameConv(cin, mid, 1, image)
            self._bn0 = bn(mid)
        self._depthwise_conv = StaticSameConv(mid, mid, k, image, stride=stride, groups=mid)
        self._bn1 = bn(mid)
        self.se = se is not None and 0 < se <= 1
        if self.se:
            sq = max(1, int(cin * se))
            self._se_reduce = nn.Conv2d(mid, sq, 1)
            self._se_expand = nn.Conv2d(sq, mid, 1)
        self._project_conv = StaticSameConv(mid, cout, 1, image)
        self._bn2 = bn(cout)
        self.skip = stride == 1 and cin == cout

    def forward(self, inputs):
        x = inputs
        if self.expand:
            x = F.silu(self._bn0(self._expand_conv(x)))
        x = F.silu(self._bn1(self._depthwise_conv(x)))
        if self.se:
            s = F.adaptive_avg_pool2d(x, 1)
            s = self._se_expand(F.silu(self._se_reduce(s)))
            x = torch.sigmoid(s) * x
        x = self._bn2(self._project_conv(x))
        return x + inputs if self.skip else x


class EfficientNet(nn.Module):
    def __init__(self, blocks, stem, head, in_channels=3, image=224):
        super().__init__()
        img = (image, image)
        self._conv_stem = StaticSameConv(in_channels, stem, 3, img, stride=2)
        self._bn0 = bn(stem)
        img = (math.ceil(img[0] / 2), math.ceil(img[1] / 2))
        layers = []
        for r, k, s, e, i, o, se in blocks:
            layers.append(MBConv(i, o, k, s, e, se, img))
            img = (math.ceil(img[0] / s), math.ceil(img[1] / s))
            for _ in range(r - 1):
                layers.append(MBConv(o, o, k, 1, e, se, img))
        self._blocks = nn.ModuleList(layers)
        self._conv_head = StaticSameConv(blocks[-1][5], head, 1, img)
        self._bn1 = bn(head)

    def extract_features(self, x):
        x = F.silu(self._bn0(self._conv_stem(x)))
        for blk in self._blocks:
            x = blk(x)
        return F.silu(self._bn1(self._conv_head(x)))


class Encoder(nn.Module):
    def __init__(self, full):
        super().__init__()
        self.cnn1 = nn.Conv2d(1, 3, kernel_size=3)
        self.efficientnet = EfficientNet(B0_BLOCKS, 32, 1280) if full else EfficientNet(TINY_BLOCKS, 8, 32)

    def forward(self, x):
        y = self.efficientnet.extract_features(self.cnn1(x.unsqueeze(1)))
        return F.adaptive_avg_pool2d(y, 1).flatten(1)


def build(full: bool) -> nn.Module:
    return Encoder(full).eval()


def check(fixtures_dir: str) -> dict:
    import numpy as np
    folder = f'{fixtures_dir}/opera_ce'
    ckpt = torch.load(f'{folder}/opera_ce_random.ckpt', map_location='cpu')
    sd = {k[len('encoder.'):]: v for k, v in ckpt['state_dict'].items() if k.startswith('encoder.')}
    model = build(True)
    model.load_state_dict(sd, strict=True)
    out = {}
    with torch.inference_mode():
        for t in (63, 251, 400):
            x = torch.from_numpy(np.load(f'{folder}/input_T{t}.npy'))
            want = np.load(f'{folder}/embedding_T{t}.npy')
            out[f'embedding_T{t}'] = float(np.abs(model(x).numpy() - want).max())
    return out
