/**
 * A minimal WebAssembly binary emitter: enough of the MVP and fixed-width SIMD (v128) instruction sets
 * to write the numeric kernels of the front ends in TypeScript and assemble them at load time, with no
 * toolchain, no committed binaries and no build step.
 *
 * Encoding follows the WebAssembly core specification 2.0 (§5 binary format): LEB128 integers, one
 * type/function/memory/export/code section each, a single memory defined and exported by the module.
 * SIMD instructions are the 0xFD prefix followed by the LEB128 opcode (§5.4.8). The emitter checks
 * nothing about stack typing; `new WebAssembly.Module` validates the result.
 */
import { FrontEndError } from './frontend-errors.ts';

export type ValType = 'i32' | 'f64' | 'v128';

const VALTYPE: { readonly [K in ValType]: number } = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

/** A local variable (or parameter) of a function, by index. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

// Instructions without immediates: plain opcodes, and SIMD opcodes (after the 0xFD prefix).
const PLAIN = {
  'i32.lt_s': 0x48, 'i32.ge_s': 0x4e, 'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.and': 0x71,
  'i32.shl': 0x74, 'i32.shr_u': 0x76, 'i32.wrap_i64': 0xa7, 'f64.mul': 0xa2, 'f32.demote_f64': 0xb6,
} as const;

const SIMD = {
  'f32x4.splat': 0x13, 'f64x2.splat': 0x14, 'i64x2.shr_u': 0xcd,
  'f32x4.sub': 0xe5, 'f32x4.mul': 0xe6, 'f32x4.div': 0xe7, 'f32x4.min': 0xe8, 'f32x4.max': 0xe9,
  'f64x2.neg': 0xed, 'f64x2.sqrt': 0xef, 'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3,
  'f64x2.min': 0xf4, 'f64x2.max': 0xf5,
} as const;

export type PlainOp = keyof typeof PLAIN;
export type SimdOp = keyof typeof SIMD;

/** Memory access kinds: the opcode (plain or SIMD) and the natural alignment (log2 bytes). */
const MEMORY = {
  'i32.load': { simd: false, op: 0x28, align: 2 },
  'i32.store': { simd: false, op: 0x36, align: 2 },
  'f64.store': { simd: false, op: 0x39, align: 3 },
  'v128.load': { simd: true, op: 0x00, align: 4 },
  'v128.load64_splat': { simd: true, op: 0x0a, align: 3 },
  'v128.store': { simd: true, op: 0x0b, align: 4 },
} as const;

export type MemoryOp = keyof typeof MEMORY;

/** Appends the unsigned LEB128 encoding of a u32. */
export function uleb(out: number[], v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new FrontEndError('wasm-emit', `bad unsigned LEB128 value ${v}`);
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Appends the signed LEB128 encoding of an i32. */
export function sleb(out: number[], v: number): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new FrontEndError('wasm-emit', `bad signed LEB128 value ${v}`);
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** A v128 expression over f64x2 lanes: a local, or a SIMD operation on sub-expressions. */
export type Vx = Local | { readonly op: SimdOp; readonly args: readonly Vx[] };

export const vadd = (a: Vx, b: Vx): Vx => ({ op: 'f64x2.add', args: [a, b] });
export const vsub = (a: Vx, b: Vx): Vx => ({ op: 'f64x2.sub', args: [a, b] });
export const vmul = (a: Vx, b: Vx): Vx => ({ op: 'f64x2.mul', args: [a, b] });
export const vneg = (a: Vx): Vx => ({ op: 'f64x2.neg', args: [a] });

/** One function body under construction; instructions are appended in order (stack machine code). */
export class WasmFunction {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly code: number[] = [];
  private readonly extra: ValType[] = [];

  constructor(params: readonly ValType[], results: readonly ValType[]) {
    this.params = params;
    this.results = results;
  }

  param(i: number): Local {
    const type = this.params[i];
    if (type === undefined) throw new FrontEndError('wasm-emit', `no parameter ${i}`);
    return { index: i, type };
  }

  local(type: ValType): Local {
    this.extra.push(type);
    return { index: this.params.length + this.extra.length - 1, type };
  }

  /** Local declarations of the body: runs of equal types. */
  localDecls(): number[] {
    const runs: [number, ValType][] = [];
    for (const t of this.extra) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const out: number[] = [];
    uleb(out, runs.length);
    for (const [n, t] of runs) {
      uleb(out, n);
      out.push(VALTYPE[t]);
    }
    return out;
  }

  /** Pushes the value of a v128 expression (operands left to right, then the operation). */
  push(e: Vx): this {
    if ('index' in e) return this.get(e);
    for (const a of e.args) this.push(a);
    return this.simd(e.op);
  }

  /** A new v128 local holding the value of `e`. */
  let(e: Vx): Local {
    const l = this.local('v128');
    this.push(e).set(l);
    return l;
  }

  /** A new v128 local holding the f64 at address `addr` + offset in both lanes. */
  splat(addr: Local, offset: number): Local {
    const l = this.local('v128');
    this.get(addr).mem('v128.load64_splat', offset).set(l);
    return l;
  }

  /** A new v128 local holding the constant `v` in both lanes. */
  constSplat(v: number): Local {
    const l = this.local('v128');
    this.f64(v).simd('f64x2.splat').set(l);
    return l;
  }

  /** A new v128 local loaded from address `addr` + offset. */
  load(addr: Local, offset: number): Local {
    const l = this.local('v128');
    this.get(addr).mem('v128.load', offset).set(l);
    return l;
  }

  /** Stores the value of `e` at address `addr` + offset. */
  store(addr: Local, offset: number, e: Vx): this {
    return this.get(addr).push(e).mem('v128.store', offset);
  }

  op(name: PlainOp): this {
    this.code.push(PLAIN[name]);
    return this;
  }

  simd(name: SimdOp): this {
    this.code.push(0xfd);
    uleb(this.code, SIMD[name]);
    return this;
  }

  /** f64x2.extract_lane ('extract') or i64x2.extract_lane ('extract-i64') of lane 0 or 1. */
  lane(kind: 'extract' | 'extract-i64', lane: 0 | 1): this {
    this.code.push(0xfd);
    uleb(this.code, kind === 'extract' ? 0x21 : 0x1d);
    this.code.push(lane);
    return this;
  }

  /** Memory access with a constant byte offset added to the address on the stack. */
  mem(name: MemoryOp, offset = 0): this {
    const m = MEMORY[name];
    if (m.simd) this.code.push(0xfd);
    uleb(this.code, m.op);
    uleb(this.code, m.align);
    uleb(this.code, offset);
    return this;
  }

  /** v128.load64_lane: replaces one lane of the vector on the stack with the f64 at address + offset. */
  loadLane64(offset: number, lane: 0 | 1): this {
    this.code.push(0xfd);
    uleb(this.code, 0x57);
    uleb(this.code, 3);
    uleb(this.code, offset);
    this.code.push(lane);
    return this;
  }

  i32(v: number): this {
    this.code.push(0x41);
    sleb(this.code, v);
    return this;
  }

  f64(v: number): this {
    this.code.push(0x44);
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v, true);
    append(this.code, new Uint8Array(b.buffer));
    return this;
  }

  get(l: Local): this {
    this.code.push(0x20);
    uleb(this.code, l.index);
    return this;
  }

  set(l: Local): this {
    this.code.push(0x21);
    uleb(this.code, l.index);
    return this;
  }

  tee(l: Local): this {
    this.code.push(0x22);
    uleb(this.code, l.index);
    return this;
  }

  call(funcIndex: number): this {
    this.code.push(0x10);
    uleb(this.code, funcIndex);
    return this;
  }

  /** `block … end` (no result); `brIf(0)` directly inside jumps to its end. */
  block(body: () => void): this {
    return this.structured(0x02, body);
  }

  /** `loop … end` (no result); `brIf(0)` directly inside jumps back to its start. */
  loop(body: () => void): this {
    return this.structured(0x03, body);
  }

  /** `if … [else …] end` on the i32 on the stack (no result). */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.code.push(0x04, 0x40);
    then();
    if (otherwise) {
      this.code.push(0x05);
      otherwise();
    }
    this.code.push(0x0b);
    return this;
  }

  brIf(label: number): this {
    this.code.push(0x0d);
    uleb(this.code, label);
    return this;
  }

  /**
   * `for (i = from(); i < to; i += step) body()` over i32 values, `to` a local read before each
   * iteration; the body may run zero times. Branch depths inside the body are relative to the inner loop.
   */
  forRange(i: Local, from: () => void, to: Local, step: number, body: () => void): this {
    from();
    this.set(i);
    this.block(() => {
      this.get(i).get(to).op('i32.ge_s').brIf(0);
      this.loop(() => {
        body();
        this.get(i).i32(step).op('i32.add').tee(i).get(to).op('i32.lt_s').brIf(0);
      });
    });
    return this;
  }

  private structured(opcode: number, body: () => void): this {
    this.code.push(opcode, 0x40);
    body();
    this.code.push(0x0b);
    return this;
  }
}

export interface ModuleExport {
  readonly name: string;
  readonly fn: WasmFunction;
}

function append(out: number[], bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] as number);
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  append(out, body);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  append(out, b);
}

/** Assembles functions (all exported, by name) and one memory of `pages` 64-KiB pages exported as "memory". */
export function assembleModule(pages: number, functions: readonly ModuleExport[]): Uint8Array<ArrayBuffer> {
  const types: string[] = [];
  const typeOf = functions.map(({ fn }) => {
    const sig = `${fn.params.join(',')}>${fn.results.join(',')}`;
    let i = types.indexOf(sig);
    if (i < 0) i = types.push(sig) - 1;
    return i;
  });
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const typeSec: number[] = [];
  uleb(typeSec, types.length);
  for (const sig of types) {
    const [p, r] = sig.split('>') as [string, string];
    const ps = p ? (p.split(',') as ValType[]) : [];
    const rs = r ? (r.split(',') as ValType[]) : [];
    typeSec.push(0x60);
    uleb(typeSec, ps.length);
    for (const t of ps) typeSec.push(VALTYPE[t]);
    uleb(typeSec, rs.length);
    for (const t of rs) typeSec.push(VALTYPE[t]);
  }
  section(out, 1, typeSec);
  const funcSec: number[] = [];
  uleb(funcSec, functions.length);
  for (const t of typeOf) uleb(funcSec, t);
  section(out, 3, funcSec);
  const memSec: number[] = [1, 0x00];
  uleb(memSec, pages);
  section(out, 5, memSec);
  const expSec: number[] = [];
  uleb(expSec, functions.length + 1);
  functions.forEach((f, i) => {
    name(expSec, f.name);
    expSec.push(0x00);
    uleb(expSec, i);
  });
  name(expSec, 'memory');
  expSec.push(0x02, 0x00);
  section(out, 7, expSec);
  const codeSec: number[] = [];
  uleb(codeSec, functions.length);
  for (const { fn } of functions) {
    const decls = fn.localDecls();
    uleb(codeSec, decls.length + fn.code.length + 1);
    append(codeSec, decls);
    append(codeSec, fn.code);
    codeSec.push(0x0b);
  }
  section(out, 10, codeSec);
  return Uint8Array.from(out);
}
