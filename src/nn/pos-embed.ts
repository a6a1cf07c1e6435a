/**
 * Fixed 2-D sin-cos position tables of MAE's util/pos_embed.py (get_2d_sincos_pos_embed and AudioMAE's
 * get_2d_sincos_pos_embed_flexible):
 *   grid = meshgrid(arange(gw), arange(gh)) (w first), flattened row-major over (gh, gw): token m = i·gw + j;
 *   1-D table of width D' for positions p: ω_k = 1/10000^(k/(D'/2)), k = 0 … D'/2 − 1, row [sin(p·ω), cos(p·ω)];
 *   2-D table = [1-D(D/2) of the column index j, 1-D(D/2) of the row index i] (the code's grid[0] is w);
 *   with a class token, a zero row is prepended.
 * `arithmetic` selects the dtype the table is computed in before the float32 cast, which differs between
 * releases: 'float64' for MAE (omega as np.float), 'float32' for AudioMAE and OPERA's mae_utils (omega as
 * np.float32, so ω, p·ω and sin/cos are float32; emulated here by rounding each step to float32).
 * Returned as [1, T, D] float32 (T = gh·gw, +1 with a class token), the shape of MAE's `pos_embed`.
 */
import { type HostTensor, tensor } from '../tensor/index.ts';

export interface SinCosOptions {
  clsToken: boolean;
  arithmetic: 'float64' | 'float32';
}

export function sinCos2dPosEmbed(embedDim: number, grid: readonly [number, number], opts: SinCosOptions): HostTensor<'float32'> {
  if (!Number.isInteger(embedDim) || embedDim <= 0 || embedDim % 4 !== 0) throw new RangeError(`sin-cos embed dim must be a positive multiple of 4, got ${embedDim}`);
  const [gh, gw] = grid;
  if (!Number.isInteger(gh) || !Number.isInteger(gw) || gh < 1 || gw < 1) throw new RangeError(`bad grid [${gh}, ${gw}]`);
  const r = opts.arithmetic === 'float32' ? Math.fround : (v: number) => v;
  const half = embedDim / 2;
  const quarter = half / 2;
  const omega = Float64Array.from({ length: quarter }, (_, k) => r(1 / r(10000 ** r(k / quarter))));
  const extra = opts.clsToken ? 1 : 0;
  const out = new Float32Array((gh * gw + extra) * embedDim);
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      const row = (extra + i * gw + j) * embedDim;
      for (let k = 0; k < quarter; k++) {
        const w = omega[k] as number;
        const aj = r(j * w);
        const ai = r(i * w);
        out[row + k] = Math.sin(aj);
        out[row + quarter + k] = Math.cos(aj);
        out[row + half + k] = Math.sin(ai);
        out[row + half + quarter + k] = Math.cos(ai);
      }
    }
  }
  return tensor('float32', [1, gh * gw + extra, embedDim], out);
}
