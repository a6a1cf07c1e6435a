"""Reference timings for bench/frontend.ts: the same five front ends computed with torch/torchaudio.

Run by bench/frontend.ts (not by hand): reads the 16 kHz and 32 kHz WAV files it prepared, computes each
front end over the whole file on one thread (torch.set_num_threads(1)), --repeat times, and prints one
JSON object per line: {"kind", "seconds" (median wall), "cpu" (median process CPU seconds), "shape", "mean",
"std"}. Each computation is written from the published formulas (see src/audio/frontend-*.ts), using
torchaudio's transforms where torchaudio has them:

- opera: torchaudio MelSpectrogram (centre, constant pad, Slaney scale and norm) + power_to_db(ref=max,
  top_db=80) + min-max, transposed to [T, 64];
- hear: per-clip min-max over 2-s clips, TF-style framing (pad_end), rfft, TF mel matrix, PCEN (EMA
  seeded with frame 0), bilinear resize 200 -> 192, in batches of clips;
- kaldi: torchaudio.compliance.kaldi.fbank exactly as AudioMAE calls it;
- m2d: torchaudio MelSpectrogram (centre, reflect pad, Slaney) + log(x + eps), [80, T];
- efficientat: pre-emphasis conv1d, torch.stft (symmetric Hann 800 in 1024, reflect), Kaldi mel banks,
  (log(x + 1e-5) + 4.5) / 5, [128, T].
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F
import torchaudio


def opera(x):
    spec = torchaudio.transforms.MelSpectrogram(
        sample_rate=16000, n_fft=1024, hop_length=512, f_min=50.0, f_max=8000.0, n_mels=64,
        window_fn=torch.hann_window, power=2.0, center=True, pad_mode="constant", norm="slaney", mel_scale="slaney")
    s = spec(x)
    db = 10.0 * torch.log10(torch.clamp(s, min=1e-10))
    db = db - 10.0 * math.log10(max(1e-10, float(s.max())))
    db = torch.maximum(db, db.max() - 80.0)
    lo, hi = db.min(), db.max()
    return ((db - lo) / (hi - lo)).T.contiguous()


def tf_mel_matrix(n_bins, n_mels, sr, fmin, fmax):
    def mel(f):
        return 2595.0 * torch.log10(1.0 + f / 700.0)
    lin = mel(torch.linspace(0.0, sr / 2.0, n_bins)[1:]).unsqueeze(1)
    edges = torch.linspace(mel(torch.tensor(float(fmin))), mel(torch.tensor(float(fmax))), n_mels + 2)
    lo, c, hi = edges[:-2].unsqueeze(0), edges[1:-1].unsqueeze(0), edges[2:].unsqueeze(0)
    w = torch.clamp(torch.minimum((lin - lo) / (c - lo), (hi - lin) / (hi - c)), min=0.0)
    return F.pad(w, (0, 0, 1, 0))


def hear(x, batch=64):
    clips = x[: (x.numel() // 32000) * 32000].reshape(-1, 32000)
    window = torch.hann_window(400)
    mel = tf_mel_matrix(201, 128, 16000, 0.0, 8000.0)
    outs = []
    for b in range(0, clips.shape[0], batch):
        y = clips[b : b + batch]
        y = y - y.amin(dim=1, keepdim=True)
        y = y / (y.amax(dim=1, keepdim=True) + 1e-8)
        y = y * 2 - 1
        frames = F.pad(y, (0, 240)).unfold(-1, 400, 160) * window
        e = torch.fft.rfft(frames, n=400).abs().square() @ mel
        m = e[:, 0]
        out = torch.empty_like(e)
        for t in range(e.shape[1]):
            m = 0.04 * e[:, t] + 0.96 * m
            out[:, t] = m
        p = (e / (1e-8 + out) ** 0.8 + 2.0) ** 0.5 - 2.0 ** 0.5
        outs.append(F.interpolate(p.unsqueeze(1), size=(192, 128), mode="bilinear", align_corners=False)[:, 0])
    return torch.cat(outs)


def kaldi(x):
    w = x.unsqueeze(0)
    w = w - w.mean()
    return torchaudio.compliance.kaldi.fbank(
        w, htk_compat=True, sample_frequency=16000, use_energy=False, window_type="hanning",
        num_mel_bins=128, dither=0.0, frame_shift=10)


def m2d(x):
    spec = torchaudio.transforms.MelSpectrogram(
        sample_rate=16000, n_fft=400, hop_length=160, f_min=50.0, f_max=8000.0, n_mels=80,
        window_fn=torch.hann_window, power=2.0, center=True, pad_mode="reflect", norm="slaney", mel_scale="slaney")
    return (spec(x) + torch.finfo(torch.float32).eps).log()


def efficientat(x):
    y = F.conv1d(x.view(1, 1, -1), torch.tensor([[[-0.97, 1.0]]])).view(-1)
    window = torch.hann_window(800, periodic=False)
    s = torch.stft(y, 1024, hop_length=320, win_length=800, window=window, center=True, pad_mode="reflect",
                   normalized=False, return_complex=True)
    power = s.real.square() + s.imag.square()
    banks, _ = torchaudio.compliance.kaldi.get_mel_banks(128, 1024, 32000.0, 0.0, 15000.0, 100.0, -500.0, 1.0)
    banks = F.pad(banks, (0, 1))
    return ((banks @ power + 1e-5).log() + 4.5) / 5.0


KINDS = {"opera": (opera, 16), "hear": (hear, 16), "kaldi": (kaldi, 16), "m2d": (m2d, 16), "efficientat": (efficientat, 32)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wav16", required=True)
    ap.add_argument("--wav32", required=True)
    ap.add_argument("--kinds", required=True)
    ap.add_argument("--repeat", type=int, required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    audio = {}
    for rate, path in ((16, args.wav16), (32, args.wav32)):
        w, sr = torchaudio.load(path)
        assert sr == rate * 1000 and w.shape[0] == 1, (path, sr, w.shape)
        audio[rate] = w[0].contiguous()
    for kind in args.kinds.split(","):
        fn, rate = KINDS[kind]
        x = audio[rate]
        with torch.no_grad():
            fn(x[: rate * 1000 * 10])
            walls, cpus = [], []
            for _ in range(args.repeat):
                c0 = time.process_time()
                t0 = time.perf_counter()
                out = fn(x)
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
        print(json.dumps({"kind": kind, "seconds": statistics.median(walls), "cpu": statistics.median(cpus), "shape": list(out.shape),
                          "mean": float(out.double().mean()), "std": float(out.double().std())}), flush=True)


if __name__ == "__main__":
    main()
