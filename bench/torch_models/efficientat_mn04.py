"""EfficientAT mn04 in PyTorch: the MobileNetV3 `MN` of fschmid56/EfficientAT (models/mn/model.py, block_types.py)
at width 0.4 with the 'mlp' head and channel squeeze-excitation, written from that code with the same state-dict
names, so mn04_as_mAP_432.pt loads with strict=True. Input [B, 1, 128, T]; forward returns
(embedding [B, 384], logits [B, 527], hidden [B, 512]) like Pneuma's graph outputs.
"""
import torch
import torch.nn.functional as F
from torch import nn

# input, kernel, expanded, out, use_se, activation, stride (MobileNetV3-Large table, strides 2,2,2,2)
FULL_TABLE = [(16, 3, 16, 16, False, 'RE', 1), (16, 3, 64, 24, False, 'RE', 2), (24, 3, 72, 24, False, 'RE', 1),
              (24, 5, 72, 40, True, 'RE', 2), (40, 5, 120, 40, True, 'RE', 1), (40, 5, 120, 40, True, 'RE', 1),
              (40, 3, 240, 80, False, 'HS', 2), (80, 3, 200, 80, False, 'HS', 1), (80, 3, 184, 80, False, 'HS', 1),
              (80, 3, 184, 80, False, 'HS', 1), (80, 3, 480, 112, True, 'HS', 1), (112, 3, 672, 112, True, 'HS', 1),
              (112, 5, 672, 160, True, 'HS', 2), (160, 5, 960, 160, True, 'HS', 1), (160, 5, 960, 160, True, 'HS', 1)]
# the `tiny` preset of src/encoders/efficientat.ts
TINY_TABLE = [(16, 3, 16, 16, False, 'RE', 1), (16, 3, 64, 24, False, 'RE', 2), (24, 5, 72, 40, True, 'RE', 2),
              (40, 3, 120, 40, True, 'HS', 1)]


def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def conv_bn_act(cin, cout, k, stride=1, groups=1, act=None):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, c, squeeze):
        super().__init__()
        self.fc1 = nn.Linear(c, squeeze)
        self.fc2 = nn.Linear(squeeze, c)

    def forward(self, x):
        s = x.mean((2, 3))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s[:, :, None, None]


class ConcurrentSE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conc_se_layers = nn.ModuleList([SqueezeExcitation(c, make_divisible(c // 4))])

    def forward(self, x):
        return self.conc_se_layers[0](x)


class InvertedResidual(nn.Module):
    def __init__(self, cin, k, cexp, cout, se, act, stride):
        super().__init__()
        a = nn.Hardswish if act == 'HS' else nn.ReLU
        layers = []
        if cexp != cin:
            layers.append(conv_bn_act(cin, cexp, 1, act=a))
        layers.append(conv_bn_act(cexp, cexp, k, stride, groups=cexp, act=a))
        if se:
            layers.append(ConcurrentSE(cexp))
        layers.append(conv_bn_act(cexp, cout, 1))
        self.block = nn.Sequential(*layers)
        self.res = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return y + x if self.res else y


class MN(nn.Module):
    def __init__(self, table, width, last_channel, num_classes):
        super().__init__()
        adj = lambda c: make_divisible(c * width)  # noqa: E731
        layers = [conv_bn_act(1, adj(table[0][0]), 3, 2, act=nn.Hardswish)]
        for cin, k, cexp, cout, se, act, s in table:
            layers.append(InvertedResidual(adj(cin), k, adj(cexp), adj(cout), se, act, s))
        last = adj(table[-1][3])
        layers.append(conv_bn_act(last, 6 * last, 1, act=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(6 * last, adj(last_channel)),
                                        nn.Hardswish(), nn.Dropout(0.2), nn.Linear(adj(last_channel), num_classes))

    def forward(self, x):
        x = self.features(x)
        emb = x.mean((2, 3))
        hidden = self.classifier[3](self.classifier[2](emb))
        return emb, self.classifier[5](hidden), hidden


def build(full: bool) -> nn.Module:
    return (MN(FULL_TABLE, 0.4, 1280, 527) if full else MN(TINY_TABLE, 0.25, 128, 10)).eval()


def check(fixtures_dir: str) -> dict:
    import numpy as np
    folder = f'{fixtures_dir}/efficientat_mn04'
    model = build(True)
    model.load_state_dict(torch.load(f'{folder}/mn04_as_mAP_432.pt', map_location='cpu'), strict=True)
    out = {}
    with torch.inference_mode():
        for clip in ('cough', 'lung_kauh', 'icbhi'):
            emb, logits, _ = model(torch.from_numpy(np.load(f'{folder}/mel_{clip}.npy')).unsqueeze(0))
            out[f'logits_{clip}'] = float(np.abs(logits.numpy() - np.load(f'{folder}/logits_{clip}.npy')).max())
            out[f'embedding_{clip}'] = float(np.abs(emb.numpy() - np.load(f'{folder}/embedding_{clip}.npy')).max())
    return out
