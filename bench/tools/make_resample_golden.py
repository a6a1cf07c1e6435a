#!/usr/bin/env python3
"""Golden outputs of torchaudio.functional.resample with its default arguments
(sinc_interpolation, lowpass_filter_width=6, rolloff=0.99) on float32 input.

Writes test/fixtures/golden/resample-torchaudio/<in>to<out>_{in,out}.npy (float32, 1-D) and
index.json. Run with Debian's interpreter, which has torch and torchaudio:

    /usr/bin/python3 bench/tools/make_resample_golden.py

The input of every case is 0.25 s of the same recipe at the case's input rate:
x = 0.3·sin(2π·440t) + 0.2·sin(2π·(0.45·sr_in)t) + 0.1·N(0,1) (numpy default_rng(1234)), float32,
where t = n/sr_in. The 0.45·sr_in tone sits near the input Nyquist so the anti-aliasing filter matters.
"""
import json
import os

import numpy as np
import torch
import torchaudio
import torchaudio.functional as AF

CASES = [(16000, 32000), (44100, 16000), (48000, 16000), (8000, 16000), (4000, 16000), (22050, 16000)]
OUT_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'golden', 'resample-torchaudio')


def signal(sr: int) -> np.ndarray:
    n = sr // 4
    t = np.arange(n, dtype=np.float64) / sr
    rng = np.random.default_rng(1234)
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 0.45 * sr * t) + 0.1 * rng.standard_normal(n)
    return x.astype(np.float32)


def main() -> None:
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.set_num_threads(1)
    index = {
        'call': 'torchaudio.functional.resample(torch.from_numpy(x), sr_in, sr_out)  # defaults: sinc_interpolation, lowpass_filter_width=6, rolloff=0.99',
        'dtype': 'float32',
        'torch': torch.__version__,
        'torchaudio': torchaudio.__version__,
        'numpy': np.__version__,
        'cases': [],
    }
    for sr_in, sr_out in CASES:
        x = signal(sr_in)
        y = AF.resample(torch.from_numpy(x), sr_in, sr_out).numpy()
        name = f'{sr_in}to{sr_out}'
        np.save(os.path.join(OUT_DIR, f'{name}_in.npy'), x)
        np.save(os.path.join(OUT_DIR, f'{name}_out.npy'), y.astype(np.float32))
        index['cases'].append({'name': name, 'sr_in': sr_in, 'sr_out': sr_out, 'n_in': int(x.size), 'n_out': int(y.size)})
        print(name, x.shape, y.shape)
    with open(os.path.join(OUT_DIR, 'index.json'), 'w') as f:
        json.dump(index, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
