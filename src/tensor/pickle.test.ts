import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { unpickle, buildStateOf, PyObject, PyGlobal, isTuple } from './pickle.ts';
import { PickleError, UnsafePickleError, CheckpointError } from './checkpoint-error.ts';
import { readZipEntries } from './zip.ts';
import { PneumaError, Rng } from '../util/index.ts';

/** Minimal pickle writer for hand-built streams. */
class P {
  private parts: number[] = [];
  op(...bytes: number[]): this { this.parts.push(...bytes); return this; }
  text(s: string): this { for (const c of s) this.parts.push(c.charCodeAt(0)); return this; }
  u32(n: number): this { return this.op(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff); }
  str(s: string): this { const b = new TextEncoder().encode(s); this.op(0x58).u32(b.length); return this.op(...b); }
  int(n: number): this { return this.op(0x4a).u32(n >>> 0); }
  global(m: string, n: string): this { return this.op(0x63).text(`${m}\n${n}\n`); }
  bytes(): Uint8Array { return Uint8Array.from(this.parts); }
}
const load = (p: P | Uint8Array, file = 'test.pkl') => unpickle(p instanceof P ? p.bytes() : p, file);

test('refuses os.system (protocol 0 GLOBAL) before anything runs', () => {
  // cos\nsystem\n(S'echo pwned'\ntR.  — the classic payload
  const payload = new P().text("cos\nsystem\n(S'echo pwned'\ntR.").bytes();
  assert.throws(() => load(payload, 'evil.pt'), (e: unknown) => {
    assert.ok(e instanceof UnsafePickleError);
    assert.equal(e.global, 'os.system');
    assert.equal(e.code, 'pickle-unsafe');
    assert.match(e.message, /^evil\.pt: refusing to load: the pickle references the global 'os\.system' \(at byte 0\)/);
    return true;
  });
});

test('refuses code-running globals wherever they appear, by any opcode', () => {
  const denied: [string, string][] = [
    ['posix', 'system'], ['nt', 'system'], ['subprocess', 'Popen'], ['builtins', 'eval'], ['builtins', 'exec'],
    ['builtins', 'getattr'], ['__builtin__', 'eval'], ['builtins', '__import__'], ['builtins', 'open'], ['builtins', 'compile'],
    ['shutil', 'rmtree'], ['socket', 'socket'], ['importlib', 'import_module'], ['runpy', '_run_code'], ['pickle', 'loads'],
    ['marshal', 'loads'], ['ctypes', 'CDLL'], ['types', 'FunctionType'], ['types', 'CodeType'], ['sys', 'modules'],
    ['os.path', 'join'], ['operator', 'attrgetter'], ['numpy', 'load'], ['torch', 'load'], ['torch.storage', '_load_from_bytes'],
    ['torch.hub', 'load'], ['collections', 'namedtuple'], ['copyreg', 'add_extension'], ['_codecs', 'open'],
  ];
  for (const [m, n] of denied) {
    // a harmless dict first, then STACK_GLOBAL (protocol 4) inside it
    const p = new P().op(0x80, 4).op(0x7d).str('ok').int(1).op(0x73).str('x').str(m).str(n).op(0x93).op(0x29, 0x52, 0x73, 0x2e);
    assert.throws(() => load(p), (e: unknown) => e instanceof UnsafePickleError && e.global === `${m === '__builtin__' ? 'builtins' : m}.${n}`, `${m}.${n}`);
  }
});

test('unknown globals become inert placeholders that record args and state', () => {
  // argparse.Namespace via NEWOBJ + BUILD, and a REDUCE of an unknown function
  const p = new P().op(0x80, 2).op(0x5d) // list
    .global('argparse', 'Namespace').op(0x29, 0x81).op(0x7d).str('lr').op(0x47, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a).op(0x73).op(0x62).op(0x61)
    .global('numpy.core.multiarray', 'scalar').str('f8').op(0x85, 0x52).op(0x61).op(0x2e);
  const out = load(p) as unknown[];
  const ns = out[0] as PyObject;
  assert.ok(ns instanceof PyObject);
  assert.equal(ns.cls.qualname, 'argparse.Namespace');
  assert.deepEqual(ns.state, new Map([['lr', 0.1]]));
  const sc = out[1] as PyObject;
  assert.equal(sc.cls.qualname, 'numpy.core.multiarray.scalar');
  assert.deepEqual(sc.args, ['f8']);
});

test('data-only globals that Lightning hyper-parameters pickle stay inert placeholders', () => {
  for (const [m, n] of [['functools', 'partial'], ['pathlib', 'PosixPath'], ['types', 'SimpleNamespace'], ['logging', 'getLogger'], ['torch.nn.modules.normalization', 'LayerNorm']]) {
    const out = load(new P().op(0x80, 2).global(m as string, n as string).str('x').op(0x85, 0x52, 0x2e)) as PyObject;
    assert.ok(out instanceof PyObject);
    assert.equal(out.cls.qualname, `${m}.${n}`);
    assert.deepEqual(out.args, ['x']);
  }
});

test('protocol 0 text opcodes and python 2 names', () => {
  // (lp0\nI1\naL123456789012345678901L\naF-2.5\naS'a\\'b\\n'\naVx\\u00e9\nacc__builtin__\nset\n((I00\nI01\nlp1\ntRaI01\na.
  const p = new P().text("(lp0\nI1\naL123456789012345678901L\naF-2.5\naS'a\\'b\\n'\naVx\\u00e9\nac__builtin__\nset\n((lp1\nI7\natRaI01\nag0\na.");
  const out = load(p) as unknown[];
  assert.equal(out[0], 1);
  assert.equal(out[1], 123456789012345678901n);
  assert.equal(out[2], -2.5);
  assert.equal(out[3], "a'b\n");
  assert.equal(out[4], 'xé');
  assert.deepEqual(out[5], new Set([7]));
  assert.equal(out[6], true);
  assert.equal(out[7], out, 'GET returns the memoised object itself');
});

test('binary integers, floats, strings, bytes and containers', () => {
  const p = new P().op(0x80, 4).op(0x95, 0, 0, 0, 0, 0, 0, 0, 0).op(0x28) // FRAME, MARK
    .op(0x4b, 255).op(0x4d, 0x34, 0x12).int(-2) // 255, 0x1234, -2
    .op(0x8a, 1, 0x80).op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1).op(0x8a, 0) // LONG1: -128, 2^64, 0
    .op(0x8c, 2, 0xc3, 0xa9).op(0x43, 2, 1, 2) // SHORT_BINUNICODE 'é', SHORT_BINBYTES
    .op(0x4e, 0x88, 0x89) // None True False
    .op(0x8f).op(0x28, 0x4b, 1, 0x4b, 2, 0x90) // EMPTY_SET + ADDITEMS
    .op(0x28, 0x4b, 3, 0x91) // FROZENSET
    .op(0x4b, 1, 0x4b, 2, 0x86) // TUPLE2
    .op(0x74, 0x94, 0x2e); // TUPLE, MEMOIZE, STOP
  const out = load(p) as unknown[];
  assert.ok(isTuple(out));
  assert.deepEqual(out.slice(0, 9), [255, 0x1234, -2, -128, 2n ** 64n, 0, 'é', Uint8Array.of(1, 2), null]);
  assert.deepEqual(out.slice(9, 11), [true, false]);
  assert.deepEqual(out[11], new Set([1, 2]));
  assert.deepEqual(out[12], new Set([3]));
  assert.deepEqual(out[13], [1, 2]);
  assert.ok(isTuple(out[13]));
});

test('OrderedDict keeps order and its BUILD state (the _metadata attribute)', () => {
  const p = new P().op(0x80, 2).global('collections', 'OrderedDict').op(0x29, 0x52)
    .op(0x28).str('b').int(2).str('a').int(1).op(0x75)
    .op(0x7d).str('_metadata').op(0x7d).op(0x73).op(0x62).op(0x2e);
  const od = load(p) as Map<string, number>;
  assert.deepEqual([...od], [['b', 2], ['a', 1]]);
  assert.deepEqual(buildStateOf(od), new Map([['_metadata', new Map()]]));
});

test('protocol-2 bytes via _codecs.encode and slices', () => {
  const p = new P().op(0x80, 2).global('_codecs', 'encode').str('\u00ff\u0000A').str('latin1').op(0x86, 0x52)
    .global('__builtin__', 'slice').op(0x4b, 1, 0x4b, 5, 0x4e, 0x87, 0x52).op(0x86, 0x2e);
  const [b, s] = load(p) as [Uint8Array, { slice: unknown[] }];
  assert.deepEqual(b, Uint8Array.of(255, 0, 65));
  assert.deepEqual(s.slice, [1, 5, null]);
});

test('a persistent id without a resolver is an error; with one it is resolved', () => {
  const p = new P().op(0x80, 2).str('k').op(0x51, 0x2e).bytes();
  assert.throws(() => unpickle(p, 'x'), PickleError);
  assert.equal(unpickle(p, 'x', { persistentLoad: (pid) => `got ${String(pid)}` }), 'got k');
});

test('malformed streams give PickleError with the offset', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /without STOP/],
    ['no STOP', new P().op(0x80, 2, 0x4e).bytes(), /without STOP/],
    ['underflow', new P().op(0x80, 2, 0x61, 0x2e).bytes(), /byte 2: stack underflow/],
    ['unknown opcode', new P().op(0x80, 2, 0xff).bytes(), /unknown opcode 0xff/],
    ['bad protocol', new P().op(0x80, 9).bytes(), /unsupported pickle protocol 9/],
    ['missing memo', new P().op(0x80, 2, 0x68, 7, 0x2e).bytes(), /memo index 7/],
    ['string past end', new P().op(0x80, 2, 0x58).u32(1000).bytes(), /truncated/],
    ['huge BINBYTES8', new P().op(0x80, 4, 0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).bytes(), /exceeds the stream/],
    ['huge LONG4', new P().op(0x80, 2, 0x8b).u32(1 << 30).bytes(), /exceeds the 64-byte limit/],
    ['APPEND to tuple', new P().op(0x80, 2, 0x29, 0x4e, 0x61, 0x2e).bytes(), /APPEND on tuple/],
    ['SETITEM on list', new P().op(0x80, 2, 0x5d, 0x4e, 0x4e, 0x73, 0x2e).bytes(), /SETITEM on list/],
    ['REDUCE on str', new P().op(0x80, 2).str('f').op(0x29, 0x52, 0x2e).bytes(), /REDUCE on str "f"/],
    ['open MARK at STOP', new P().op(0x80, 2, 0x4e, 0x28, 0x2e).bytes(), /open MARK/],
    ['bad handler args', new P().op(0x80, 2).global('collections', 'OrderedDict').op(0x4b, 5, 0x85, 0x52, 0x2e).bytes(), /collections\.OrderedDict\(number 5\): OrderedDict needs an iterable/],
  ];
  for (const [what, bytes, re] of cases) {
    assert.throws(() => unpickle(bytes, 'bad.pkl'), (e: unknown) => e instanceof PickleError && re.test(e.message) && e.message.startsWith('bad.pkl: '), what);
  }
});

test('deep nesting needs no recursion', () => {
  const depth = 100_000;
  const p = new P().op(0x80, 2);
  for (let i = 0; i < depth; i++) p.op(0x5d);
  for (let i = 1; i < depth; i++) p.op(0x61);
  let v = load(p.op(0x2e)) as unknown[];
  let d = 1;
  while (v.length === 1) {
    v = v[0] as unknown[];
    d++;
  }
  assert.equal(d, depth);
});

test('a stream that multiplies work through the memo hits the work limit', () => {
  // L = [0] * 2000 memoised, then list(L) 100000 times: 2e8 element copies from ~700 kB
  const p = new P().op(0x80, 2, 0x5d, 0x28);
  for (let i = 0; i < 2000; i++) p.op(0x4b, 0);
  p.op(0x65, 0x71, 0).global('builtins', 'list').op(0x71, 1);
  for (let i = 0; i < 100_000; i++) p.op(0x68, 1, 0x68, 0, 0x85, 0x52, 0x30);
  const t0 = performance.now();
  assert.throws(() => load(p.op(0x2e)), /exceeds the work limit/);
  assert.ok(performance.now() - t0 < 5000);
});

test('every truncation and random corruption of a real data.pkl fails with a typed error or loads', () => {
  const file = 'test/fixtures/golden/torch-formats/lightning_like.ckpt';
  const pkl = readZipEntries(new Uint8Array(readFileSync(file)), file, ['lightning_like/data.pkl']).get('lightning_like/data.pkl') as Uint8Array;
  const opts = { persistentLoad: (pid: unknown) => pid };
  assert.ok(unpickle(pkl, 'ok', opts) instanceof Map);
  for (let n = 0; n < pkl.length; n++) {
    assert.throws(() => unpickle(pkl.subarray(0, n), 'cut', opts), (e: unknown) => e instanceof CheckpointError, `prefix ${n}`);
  }
  const rng = Rng.seeded(7);
  for (let trial = 0; trial < 400; trial++) {
    const bad = pkl.slice();
    for (let k = 0; k < 1 + rng.int(3); k++) bad[rng.int(bad.length)] = rng.int(256);
    try {
      unpickle(bad, 'fuzz', opts);
    } catch (e) {
      assert.ok(e instanceof PneumaError, `trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
});

test('globals keep their names', () => {
  const g = load(new P().op(0x80, 2).global('torch', 'float32').op(0x2e)) as PyGlobal;
  assert.ok(g instanceof PyGlobal);
  assert.equal(g.qualname, 'torch.float32');
  assert.equal(g.call, null);
});
