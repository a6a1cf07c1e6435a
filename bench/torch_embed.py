"""Times the PyTorch reference of one encoder (bench/torch_models/<id>.py) on random input of a given shape.

    /usr/bin/python3 bench/torch_embed.py --encoder opera-ce --shape 1,251,64 --threads 1,2 --runs 20 [--full|--tiny]
    /usr/bin/python3 bench/torch_embed.py --encoder opera-ce --check ../shared/fixtures/models

Prints one JSON object: the torch version, per thread count the forward wall times in ms (after --warmup runs) and the
mean process CPU time per forward (cpu_ms), and, with
--check, the reference model's max abs errors against its fixture (strict checkpoint load). Weights are the modules'
own random init: speed does not depend on their values. Forward passes run under torch.inference_mode() with
torch.set_num_threads(n) and one inter-op thread.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--encoder', required=True)
    p.add_argument('--shape', help='input shape, comma-separated')
    p.add_argument('--threads', default='1')
    p.add_argument('--runs', type=int, default=20)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--tiny', action='store_true', help='the tiny preset instead of the full model')
    p.add_argument('--check', metavar='FIXTURES_DIR', help='compare the reference with its fixture instead of timing')
    a = p.parse_args()
    try:
        mod = torch_models.load(a.encoder)
    except ModuleNotFoundError as e:
        print(json.dumps({'encoder': a.encoder, 'error': f'no PyTorch reference: {e}'}))
        return
    result = {'encoder': a.encoder, 'torch': torch.__version__}
    if a.check:
        if not hasattr(mod, 'check'):
            result['error'] = 'the reference module has no check()'
        else:
            result['check'] = mod.check(a.check)
        print(json.dumps(result))
        return
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = mod.build(not a.tiny)
    shape = [int(s) for s in a.shape.split(',')]
    x = torch.rand(shape)
    result['shape'] = shape
    result['params'] = sum(t.numel() for t in model.parameters())
    result['times_ms'] = {}
    result['cpu_ms'] = {}
    for n in [int(t) for t in a.threads.split(',')]:
        torch.set_num_threads(n)
        with torch.inference_mode():
            for _ in range(a.warmup):
                model(x)
            ms = []
            c0 = time.process_time()
            for _ in range(a.runs):
                t0 = time.perf_counter()
                model(x)
                ms.append((time.perf_counter() - t0) * 1000)
            cpu = (time.process_time() - c0) * 1000 / a.runs
        result['times_ms'][str(n)] = ms
        result['cpu_ms'][str(n)] = cpu
    print(json.dumps(result))


if __name__ == '__main__':
    main()
