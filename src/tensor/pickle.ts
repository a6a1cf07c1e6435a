/**
 * A restricted unpickler for pickle protocols 0–5 (CPython Lib/pickle.py opcode semantics), written to
 * read PyTorch / Lightning checkpoints without running code. Globals are resolved by the policy in
 * pickle-globals.ts: denied globals abort the load, handled ones are TypeScript functions, the rest are
 * inert placeholders. Persistent ids (BINPERSID / PERSID) go to a caller-supplied `persistentLoad`.
 *
 * Python values map to: None → null, bool → boolean, int → number (bigint beyond 2^53), float → number,
 * str → string, bytes / bytearray → Uint8Array, list → array, tuple → frozen array, dict → Map,
 * set / frozenset → Set; BUILD state on a container is kept aside (`buildStateOf`).
 *
 * Resource bounds: the machine is iterative (no recursion on nesting depth); memo indices live in a Map;
 * every length is checked against the bytes left; integers are limited to `maxIntBytes`; and a work
 * counter (one unit per opcode plus one per element copied by handlers) is capped at `maxWork`, so a
 * hostile stream can neither hang the loader nor grow memory beyond a constant factor of its size.
 */
import { PickleError, UnsafePickleError } from './checkpoint-error.ts';
import {
  type GlobalHandler, PyGlobal, PyObject, SAFE_HANDLERS, describePy, isDeniedGlobal, normalizeModule, tuple,
} from './pickle-globals.ts';
import { PneumaError } from '../util/index.ts';

export { PyGlobal, PyObject, isTuple, describePy, isDeniedGlobal, type GlobalHandler, type PySlice } from './pickle-globals.ts';

export interface UnpickleOptions {
  /** Extra handled globals by `module.name`; a denied global stays denied. */
  globals?: ReadonlyMap<string, GlobalHandler>;
  /** Resolves persistent ids; without it a persistent id is an error. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Work cap; default 16 units per input byte + 2^20. */
  maxWork?: number;
  /** Largest integer encoding accepted (LONG1 / LONG4 / text LONG), in bytes; default 64. */
  maxIntBytes?: number;
}

const buildStates = new WeakMap<object, unknown>();

/** The BUILD state a pickle attached to a container (e.g. an OrderedDict's `_metadata`), if any. */
export function buildStateOf(obj: object): unknown {
  return buildStates.get(obj);
}

export function unpickle(bytes: Uint8Array, file: string, opts: UnpickleOptions = {}): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxWork = opts.maxWork ?? bytes.length * 16 + (1 << 20);
  const maxIntBytes = opts.maxIntBytes ?? 64;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  let opAt = 0;
  let work = 0;

  const fail = (msg: string): never => {
    throw new PickleError(file, `malformed pickle at byte ${opAt}: ${msg}`);
  };
  const charge = (n: number): void => {
    work += n;
    if (work > maxWork) throw new PickleError(file, `pickle exceeds the work limit (${maxWork} units) at byte ${opAt}: refusing a stream this expensive`);
  };
  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > bytes.length) fail(`needs ${n} more bytes, ${bytes.length - pos} left (truncated)`);
    const p = pos;
    pos += n;
    return p;
  };
  const u8 = (): number => bytes[need(1)] as number;
  const u16 = (): number => dv.getUint16(need(2), true);
  const u32 = (): number => dv.getUint32(need(4), true);
  const u64 = (): number => {
    const v = dv.getBigUint64(need(8), true);
    if (v > BigInt(bytes.length)) fail(`length ${v} exceeds the stream`);
    return Number(v);
  };
  const raw = (n: number): Uint8Array => bytes.slice(need(n), pos);
  const utf8 = (n: number): string => new TextDecoder('utf-8').decode(bytes.subarray(need(n), pos));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated text argument (truncated)');
    let s = '';
    for (let i = pos; i < end; i++) s += String.fromCharCode(bytes[i] as number);
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    const top = marks.length > 0 ? (marks[marks.length - 1] as number) : 0;
    if (stack.length <= top) fail('stack underflow');
    return stack.pop();
  };
  const peek = (): unknown => {
    const top = marks.length > 0 ? (marks[marks.length - 1] as number) : 0;
    if (stack.length <= top) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('no MARK on the stack');
    return stack.splice(m as number);
  };
  const signedLE = (b: Uint8Array): number | bigint => {
    if (b.length > maxIntBytes) fail(`integer of ${b.length} bytes exceeds the ${maxIntBytes}-byte limit`);
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
    if (((b[b.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * b.length);
    return narrow(v);
  };
  const decimal = (s: string): number | bigint => {
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[-+]?\d+$/.test(t)) fail(`bad integer literal ${JSON.stringify(s)}`);
    if (t.length > maxIntBytes * 2.5) fail(`integer literal of ${t.length} digits exceeds the limit`);
    return narrow(BigInt(t));
  };
  const resolveGlobal = (rawModule: string, name: string): PyGlobal => {
    const module = normalizeModule(rawModule);
    if (isDeniedGlobal(module, name)) throw new UnsafePickleError(file, `${module}.${name}`, opAt);
    const qual = `${module}.${name}`;
    return new PyGlobal(module, name, opts.globals?.get(qual) ?? SAFE_HANDLERS.get(qual) ?? null);
  };
  const call = (callee: unknown, args: unknown, kwargs: ReadonlyMap<unknown, unknown> | null, op: string): unknown => {
    if (!(callee instanceof PyGlobal)) return fail(`${op} on ${describePy(callee)}, which is not a class or function`);
    if (!Array.isArray(args)) return fail(`${op} arguments must be a tuple, got ${describePy(args)}`);
    charge(1 + args.reduce<number>((n, a) => n + shallowSize(a), 0) + (kwargs?.size ?? 0));
    if (!callee.call) return new PyObject(callee, args, kwargs);
    try {
      return callee.call(args, kwargs);
    } catch (e) {
      if (e instanceof PneumaError) throw e;
      return fail(`${callee.qualname}${describeArgs(args)}: ${(e as Error).message}`);
    }
  };
  const setItems = (target: unknown, kv: unknown[]): void => {
    if (kv.length % 2 !== 0) fail('odd number of items for SETITEMS');
    const m = target instanceof Map ? target : target instanceof PyObject ? target.items : fail(`SETITEM on ${describePy(target)}`);
    for (let i = 0; i < kv.length; i += 2) m.set(kv[i], kv[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[], op: string): void => {
    if (Array.isArray(target) && !Object.isFrozen(target)) (target as unknown[]).push(...items);
    else if (target instanceof Set && op === 'ADDITEMS') for (const x of items) target.add(x);
    else if (target instanceof PyObject) target.list.push(...items);
    else fail(`${op} on ${describePy(target)}`);
  };
  const persistent = (pid: unknown): unknown => {
    if (!opts.persistentLoad) return fail('persistent id found, but this file type has no persistent storage');
    return opts.persistentLoad(pid);
  };

  while (true) {
    opAt = pos;
    charge(1);
    if (pos >= bytes.length) fail('stream ends without STOP (truncated)');
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) fail(`unsupported pickle protocol ${v}`);
        break;
      }
      case 0x95: u64(); break; // FRAME: frame length only; data follows inline
      case 0x2e: { // STOP
        if (marks.length > 0) fail('STOP with an open MARK');
        return peek();
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(peek()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(dv.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(signedLE(raw(u8()))); break; // LONG1
      case 0x8b: { // LONG4
        const n = dv.getInt32(need(4), true);
        if (n < 0) fail('negative LONG4 length');
        if (n > maxIntBytes) fail(`integer of ${n} bytes exceeds the ${maxIntBytes}-byte limit`);
        stack.push(signedLE(raw(n)));
        break;
      }
      case 0x49: { // INT (text); I01 / I00 are True / False
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : decimal(s));
        break;
      }
      case 0x4c: stack.push(decimal(line())); break; // LONG (text)
      case 0x47: stack.push(dv.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x46: { // FLOAT (text)
        const s = line();
        const v = Number(s);
        if (Number.isNaN(v) && !/^[-+]?nan$/i.test(s)) fail(`bad float literal ${JSON.stringify(s)}`);
        stack.push(v);
        break;
      }
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(u64())); break; // BINUNICODE8
      case 0x56: stack.push(rawUnicodeEscape(line())); break; // UNICODE (text)
      case 0x53: stack.push(pyStringLiteral(line(), fail)); break; // STRING (text, protocol 0)
      case 0x54: { // BINSTRING (Python 2 str, decoded as latin-1)
        const n = dv.getInt32(need(4), true);
        if (n < 0) fail('negative BINSTRING length');
        stack.push(latin1(raw(n)));
        break;
      }
      case 0x55: stack.push(latin1(raw(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(raw(u32())); break; // BINBYTES
      case 0x43: stack.push(raw(u8())); break; // SHORT_BINBYTES
      case 0x8e: stack.push(raw(u64())); break; // BINBYTES8
      case 0x96: stack.push(raw(u64())); break; // BYTEARRAY8
      case 0x97: fail('out-of-band buffers (NEXT_BUFFER) are not supported'); break;
      case 0x98: break; // READONLY_BUFFER: no-op on in-band data
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { // APPEND
        const v = pop();
        appendItems(peek(), [v], 'APPEND');
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        appendItems(peek(), items, 'APPENDS');
        break;
      }
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x74: stack.push(tuple(popMark())); break; // TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const m = new Map(); setItems(m, popMark()); stack.push(m); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(peek(), [k, v]); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(peek(), kv); break; } // SETITEMS
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { const items = popMark(); appendItems(peek(), items, 'ADDITEMS'); break; } // ADDITEMS
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x70: memo.set(Number(decimal(line())), peek()); break; // PUT
      case 0x71: memo.set(u8(), peek()); break; // BINPUT
      case 0x72: memo.set(u32(), peek()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, peek()); break; // MEMOIZE
      case 0x67: stack.push(memoGet(memo, Number(decimal(line())), fail)); break; // GET
      case 0x68: stack.push(memoGet(memo, u8(), fail)); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, u32(), fail)); break; // LONG_BINGET
      case 0x63: { const module = line(); const name = line(); stack.push(resolveGlobal(module, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x69: { // INST (protocol 0): module, name, then MARK-ed args
        const module = line();
        const name = line();
        const g = resolveGlobal(module, name);
        stack.push(call(g, popMark(), null, 'INST'));
        break;
      }
      case 0x6f: { // OBJ (protocol 1): MARK cls args…
        const items = popMark();
        if (items.length === 0) fail('OBJ without a class');
        stack.push(call(items[0], items.slice(1), null, 'OBJ'));
        break;
      }
      case 0x52: { const args = pop(); const f = pop(); stack.push(call(f, args, null, 'REDUCE')); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(call(cls, args, null, 'NEWOBJ')); break; } // NEWOBJ
      case 0x92: { // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(kwargs instanceof Map)) fail(`NEWOBJ_EX keyword arguments must be a dict, got ${describePy(kwargs)}`);
        stack.push(call(cls, args, kwargs as Map<unknown, unknown>, 'NEWOBJ_EX'));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const target = peek();
        if (target instanceof PyObject) target.state = state;
        else if (target !== null && typeof target === 'object') buildStates.set(target, state);
        else fail(`BUILD on ${describePy(target)}`);
        break;
      }
      case 0x51: stack.push(persistent(pop())); break; // BINPERSID
      case 0x50: stack.push(persistent(line())); break; // PERSID
      case 0x82: case 0x83: case 0x84: fail('extension-registry opcodes (EXT1/2/4) are not supported'); break;
      default: fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

function memoGet(memo: Map<number, unknown>, i: number, fail: (m: string) => never): unknown {
  if (!memo.has(i)) fail(`memo index ${i} was never stored`);
  return memo.get(i);
}

function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function shallowSize(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v instanceof Uint8Array) return v.length >> 3;
  return 0;
}

function describeArgs(args: readonly unknown[]): string {
  return `(${args.slice(0, 6).map(describePy).join(', ')}${args.length > 6 ? ', …' : ''})`;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** Python's raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes. */
function rawUnicodeEscape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a?: string, b?: string) => String.fromCodePoint(parseInt((a ?? b) as string, 16)));
}

/** A quoted Python 2 string literal (repr) as written by protocol 0's STRING opcode. */
function pyStringLiteral(s: string, fail: (m: string) => never): string {
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) return fail(`bad STRING literal ${JSON.stringify(s)}`);
  const body = s.slice(1, -1);
  const simple: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    return simple[e] ?? `\\${e}`;
  });
}
