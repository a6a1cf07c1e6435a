"""PyTorch reference models for bench/embed-throughput.ts (our own code, written from the reference papers/code).

Convention: one module per Pneuma encoder id, named after the id with '-' replaced by '_' (opera_ce.py for
'opera-ce', efficientat_mn04.py for 'efficientat-mn04', ...). Each module exposes

    build(full: bool) -> torch.nn.Module
        full=True: the published architecture; full=False: the same reduced variant as the encoder's `tiny` preset.
        forward(x) takes the same input layout as the Pneuma graph (the encoder's `modelInputs`, batch first)
        and computes everything the Pneuma graph outputs (the embedding first, then any heads).

and optionally

    check(fixtures_dir: str) -> dict
        loads the model's fixture checkpoint (strict) and returns the max abs error of its outputs against the
        fixture's expected .npy files, which shows the reference model here is the model Pneuma reproduces.

bench/torch_embed.py imports the module by id and times forward passes under torch.inference_mode().
"""
import importlib


def module_name(encoder_id: str) -> str:
    return encoder_id.replace('-', '_')


def load(encoder_id: str):
    """The reference module for an encoder id (ModuleNotFoundError when there is none)."""
    return importlib.import_module(f'{__name__}.{module_name(encoder_id)}')
