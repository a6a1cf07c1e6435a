/** Output layout functions shared by the front ends. */

/** Transpose of a row-major [rows, cols] float32 array, in 32×32 tiles to stay cache-friendly. */
export function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = x[o + c] as number;
      }
    }
  }
  return out;
}

/**
 * Writes a block of `count` rows of a row-major [·, cols] array into the column-major output
 * out[c·T + t0 + r] = rows[r·cols + c] (the [cols, T] layout of a whole spectrogram with T frames).
 */
export function transposeBlock(rows: Float64Array, count: number, cols: number, out: Float32Array, t0: number, T: number): void {
  for (let c = 0; c < cols; c++) {
    const o = c * T + t0;
    for (let r = 0; r < count; r++) out[o + r] = rows[r * cols + c] as number;
  }
}
