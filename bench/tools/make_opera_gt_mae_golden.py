"""Goldens for OPERA-GT's MAE pieces (test/fixtures/golden/opera-gt-mae, see its PROVENANCE.md).

Runs OPERA's own MaskedAutoencoderViTMD (evelyn0414/OPERA @ 3622310, src/model/models_mae.py) on timm v1.0.3
whose timm/models/swin_transformer.py is replaced by OPERA's src/model/mae_utils/swin_transformer.py, as
OPERA's prepare_code.sh does. Neither is vendored here: pass the two checkouts on the command line.

  /usr/bin/python3 bench/tools/make_opera_gt_mae_golden.py --opera <OPERA checkout> --timm <dir holding the patched timm/> \
      --fixture ../shared/fixtures/models/opera_gt --out test/fixtures/golden/opera-gt-mae

Weights are not stored: every state-dict entry is a closed-form hash of (index of its key in sorted order,
element index), reproduced by the TypeScript test (mae-decoder.test.ts, `hashedWeights`).
"""
import argparse, hashlib, json, os, sys, tempfile, types
from functools import partial

ap = argparse.ArgumentParser()
ap.add_argument('--opera', required=True)
ap.add_argument('--timm', required=True)
ap.add_argument('--fixture', required=True)
ap.add_argument('--out', required=True)
args = ap.parse_args()

# pytorch_lightning and torchvision are only imported, never used, on these code paths
stubs = tempfile.mkdtemp()
os.makedirs(f'{stubs}/pytorch_lightning')
with open(f'{stubs}/pytorch_lightning/__init__.py', 'w') as f:
    f.write('import torch.nn as nn\nclass LightningModule(nn.Module):\n    pass\n')
class _Meta(type):
    def __getattr__(cls, attr):
        return attr
class _Any(metaclass=_Meta):
    def __init__(self, *a, **k):
        pass
for name in ['torchvision', 'torchvision.ops', 'torchvision.ops.misc', 'torchvision.datasets', 'torchvision.transforms',
             'torchvision.transforms.functional', 'torchvision.transforms.v2', 'torchvision.io', 'torchvision.utils']:
    m = types.ModuleType(name)
    m.__getattr__ = lambda attr: _Any
    m.__path__ = []
    sys.modules[name] = m
sys.path[:0] = [args.opera, args.timm, stubs]

import numpy as np
import torch
import torch.nn as nn
torch.cuda.synchronize = lambda *a, **k: None  # forward_encoder calls it unconditionally
from src.model.models_mae import MaskedAutoencoderViTMD

OUT = args.out.rstrip('/') + '/'
FIX = args.fixture.rstrip('/') + '/'


def hash_u(seed, n):
    """u in [-0.5, 0.5): lowbias32-style mix of (i·0x9E3779B1 + seed·0x85EBCA77) mod 2³², exact in float64."""
    i = np.arange(n, dtype=np.uint64)
    M = np.uint64(0xFFFFFFFF)
    h = (i * np.uint64(0x9E3779B1) + np.uint64((seed * 0x85EBCA77) & 0xFFFFFFFF)) & M
    h ^= h >> np.uint64(16); h = (h * np.uint64(0x7FEB352D)) & M
    h ^= h >> np.uint64(15); h = (h * np.uint64(0x846CA68B)) & M
    h ^= h >> np.uint64(16)
    return h.astype(np.float64) / 4294967296.0 - 0.5


def hashed_value(name, shape, seed):
    u = hash_u(seed, int(np.prod(shape)))
    last = name.split('.')[-1]
    if last == 'tau':
        v = 0.5 + 0.4 * u
    elif last == 'weight' and len(shape) >= 2:
        v = u * (2.0 * np.sqrt(3.0 / int(np.prod(shape[1:]))))
    elif last == 'weight':
        v = 1.0 + 0.2 * u
    elif last == 'bias':
        v = 0.2 * u
    else:
        v = 0.5 * u
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def hashed_state(model):
    sd = model.state_dict()
    return {k: hashed_value(k, tuple(sd[k].shape), i) for i, k in enumerate(sorted(sd.keys()))}


def model_with(**kw):
    # mae_vit_small(**initialize_pretrained_model kwargs), then the overrides
    base = dict(patch_size=4, embed_dim=384, depth=12, num_heads=6, decoder_embed_dim=256, decoder_depth=6, decoder_num_heads=8,
                mlp_ratio=4, norm_layer=partial(nn.LayerNorm, eps=1e-6),
                norm_pix_loss=False, in_chans=1, audio_exp=True, img_size=(256, 64), alpha=0.0, mode=0, use_custom_patch=False,
                split_pos=False, pos_trainable=False, use_nce=False, decoder_mode=1, mask_2d=False, mask_t_prob=0.7,
                mask_f_prob=0.3, no_shift=False)
    base.update(kw)
    torch.manual_seed(0)
    return MaskedAutoencoderViTMD(**base).float().eval()


def ids_restore_for(L, seed):
    g = torch.Generator().manual_seed(seed)
    noise = torch.rand(1, L, generator=g)
    return torch.argsort(torch.argsort(noise, dim=1), dim=1)


def save(name, t):
    np.save(OUT + name, t.detach().cpu().numpy())


report = {}


def decoder_case(tag, model, L, enc_dim, seed):
    model.load_state_dict(hashed_state(model), strict=True)
    K = int(L * (1 - 0.7))
    enc = torch.from_numpy((hash_u(1_000_000 + seed, (1 + K) * enc_dim) * 2.0).astype(np.float32).reshape(1, 1 + K, enc_dim))
    ids = ids_restore_for(L, seed)
    with torch.no_grad():
        pred, _, _ = model.forward_decoder(enc, ids)
        pred64, _, _ = model.double().forward_decoder(enc.double(), ids)
        model.float()
    save(f'decoder_{tag}.ids_restore.npy', ids)
    save(f'decoder_{tag}.pred.npy', pred)
    save(f'decoder_{tag}.pred_f64.npy', pred64)
    report[tag] = dict(L=L, K=K, enc_dim=enc_dim, max_abs_f32_vs_f64=float((pred.double() - pred64).abs().max()), max_abs=float(pred.abs().max()))


full = model_with()
decoder_case('swin_L1024', full, 1024, 384, 1)
decoder_case('swin_L256', full, 256, 384, 2)
small = model_with(embed_dim=48, depth=1, num_heads=2, decoder_mode=0, decoder_embed_dim=32, decoder_depth=2, decoder_num_heads=4, img_size=(32, 64))
decoder_case('vit_L128', small, 128, 48, 3)

# forward_encoder (mask ratio 0.7, torch.manual_seed(5)) of the reduced fixture model on its T = 256 input
red = model_with(embed_dim=96, depth=2, num_heads=2, decoder_embed_dim=32)
red.load_state_dict(torch.load(FIX + 'opera_gt_reduced_random.ckpt', map_location='cpu')['state_dict'], strict=True)
x = torch.from_numpy(np.load(FIX + 'input_T256.npy'))
with torch.no_grad():
    emb = red.forward_feature(x)
    report['fixture_embedding_T256_max_abs_diff'] = float((emb - torch.from_numpy(np.load(FIX + 'embedding_T256.npy'))).abs().max())
    torch.manual_seed(5)
    latent, mask, ids, _ = red.forward_encoder(x, 0.7)
    torch.manual_seed(5)
    latent64, _, ids64, _ = red.double().forward_encoder(x.double(), 0.7)
assert torch.equal(ids, ids64)
save('encoder_visible_T256.ids_restore.npy', ids)
save('encoder_visible_T256.latent.npy', latent)
report['encoder_visible_T256'] = dict(K=int(latent.shape[1]) - 1, max_abs_f32_vs_f64=float((latent.double() - latent64).abs().max()))
print(json.dumps(report, indent=1))
for f in sorted(os.listdir(OUT)):
    if f.endswith('.npy'):
        print(f, hashlib.sha256(open(OUT + f, 'rb').read()).hexdigest())
