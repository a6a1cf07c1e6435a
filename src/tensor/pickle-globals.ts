/**
 * What a pickle's globals may resolve to. Unpickling never imports or runs anything: a global is one of
 *  - denied: anything that can run code, touch files, processes or the network (os.system, builtins.eval,
 *    subprocess, …). Loading stops at once with an UnsafePickleError naming it;
 *  - handled: a small set of data constructors (OrderedDict, set, slice, _codecs.encode, …), implemented
 *    here in TypeScript, plus whatever handlers a caller adds (the PyTorch reader adds tensor rebuilds);
 *  - opaque: every other global becomes an inert `PyGlobal`; calling it yields an inert `PyObject` that
 *    records its arguments and state. Callers decide whether such a placeholder is acceptable where it ends up.
 */

/** A reference to `module.name` as written in the pickle. `call` is set for handled globals. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly call: GlobalHandler | null,
  ) {}

  get qualname(): string {
    return `${this.module}.${this.name}`;
  }

  toString(): string {
    return this.qualname;
  }
}

/** An instance of an opaque global: what the pickle asked to construct, never constructed. */
export class PyObject {
  /** State given by BUILD (`__setstate__` / `__dict__` update), if any. */
  state: unknown = undefined;
  /** Items added by SETITEM(S) (dict subclasses). */
  readonly items = new Map<unknown, unknown>();
  /** Items added by APPEND(S) / ADDITEMS (list and set subclasses). */
  readonly list: unknown[] = [];
  constructor(
    readonly cls: PyGlobal,
    readonly args: readonly unknown[],
    readonly kwargs: ReadonlyMap<unknown, unknown> | null = null,
  ) {}
}

/** A Python `slice(start, stop, step)`. */
export interface PySlice {
  readonly slice: readonly [unknown, unknown, unknown];
}

/** Implementation of a handled global, called by REDUCE / NEWOBJ / NEWOBJ_EX with positional args. */
export type GlobalHandler = (args: readonly unknown[], kwargs: ReadonlyMap<unknown, unknown> | null) => unknown;

/** Python tuples are frozen arrays; lists are ordinary arrays. */
export function tuple(items: unknown[]): readonly unknown[] {
  return Object.freeze(items);
}

export function isTuple(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

/**
 * Modules whose every global is refused (matched as `m` or `m.*`). Modules that only build data even in
 * CPython (functools.partial, pathlib paths, logging.getLogger, which Lightning hyper-parameters pickle)
 * stay opaque: nothing here is ever called.
 */
const DENIED_MODULES = [
  'os', 'posix', 'nt', 'posixpath', 'ntpath', 'subprocess', 'sys', 'shutil', 'socket', 'socketserver', 'ssl',
  'select', 'selectors', 'importlib', 'imp', 'zipimport', 'pkgutil', 'runpy', 'pickle', '_pickle', 'cPickle',
  'pickletools', 'shelve', 'marshal', 'ctypes', '_ctypes', 'cffi', 'code', 'codeop', 'pty', 'tty',
  'commands', 'popen2', 'multiprocessing', 'concurrent', 'threading', '_thread', 'thread', 'signal', 'asyncio',
  'webbrowser', 'tempfile', 'glob', 'fileinput', 'io', '_io', 'mmap', 'fcntl', 'resource', 'pwd',
  'grp', 'urllib', 'urllib2', 'urllib3', 'http', 'httplib', 'ftplib', 'smtplib', 'poplib', 'imaplib',
  'telnetlib', 'xmlrpc', 'requests', 'pdb', 'bdb', 'timeit', 'trace', 'profile', 'cProfile', 'inspect', 'gc',
  'operator', '_operator', 'dill', 'cloudpickle', 'joblib', 'pip', 'setuptools', 'distutils',
  'ensurepip', 'venv', 'site', 'sysconfig', 'platform', 'sqlite3', 'dbm', 'tarfile', 'zipfile',
  'numpy.testing', 'numpy.distutils', 'numpy.f2py', 'numpy.lib.npyio', 'numpy.ctypeslib',
  'torch.hub', 'torch.jit', 'torch.package', 'torch.ops', 'torch.classes', 'torch._C',
  'torch._ops', 'torch._dynamo', 'torch.utils.cpp_extension', 'torch.distributed',
];

/** Single globals refused in otherwise opaque modules (file I/O and nested loading). */
const DENIED_NAMES = new Set([
  'numpy.load', 'numpy.loadtxt', 'numpy.genfromtxt', 'numpy.fromfile', 'numpy.memmap', 'numpy.save', 'numpy.savez',
  'torch.load', 'torch.save', 'torch.compile', 'torch.from_file', 'torch.storage._load_from_bytes',
  'torch.serialization.load', 'torch.serialization._load', 'torch.serialization._legacy_load', 'torch.serialization.save',
]);

/**
 * Modules where only handled names and the inert names listed here are allowed; every other name in
 * them is refused (builtins.eval, types.FunctionType, copyreg.add_extension, collections.namedtuple, …).
 * Inert names may appear as values (a type named in hyper-parameters) and instantiate to placeholders.
 */
const CLOSED_MODULES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['builtins', new Set(['int', 'float', 'str', 'bool', 'bytes', 'complex', 'object', 'range', 'NoneType', 'Ellipsis', 'NotImplemented'])],
  ['types', new Set(['SimpleNamespace'])],
  ['copyreg', new Set<string>()],
  ['codecs', new Set<string>()],
  ['_codecs', new Set<string>()],
  ['collections', new Set<string>()],
]);

/** Python 2 module names that protocol ≤ 2 pickles may use (pickle's fix_imports mapping). */
const PY2_MODULES: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

export function normalizeModule(module: string): string {
  return PY2_MODULES[module] ?? module;
}

/** True when loading must stop because `module.name` could run code. */
export function isDeniedGlobal(module: string, name: string): boolean {
  const qual = `${module}.${name}`;
  if (DENIED_NAMES.has(qual)) return true;
  if (DENIED_MODULES.some((m) => module === m || module.startsWith(`${m}.`))) return true;
  const inert = CLOSED_MODULES.get(module);
  if (inert) return !SAFE_HANDLERS.has(qual) && !inert.has(name);
  return false;
}

function iterate(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return [...v];
  if (v instanceof Set) return [...v];
  if (v instanceof Map) return [...v.keys()];
  if (v instanceof Uint8Array) return [...v];
  throw new TypeError(`${what} needs an iterable, got ${describePy(v)}`);
}

function toMap(args: readonly unknown[], what: string): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  const src = args[0];
  if (src === undefined) return m;
  if (src instanceof Map) return new Map(src);
  for (const pair of iterate(src, what)) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${what} needs (key, value) pairs, got ${describePy(pair)}`);
    m.set(pair[0], pair[1]);
  }
  return m;
}

function encode(args: readonly unknown[]): Uint8Array {
  const [s, enc] = args;
  if (typeof s !== 'string') throw new TypeError(`_codecs.encode needs a str, got ${describePy(s)}`);
  const encoding = typeof enc === 'string' ? enc.toLowerCase().replace(/[-_]/g, '') : 'utf8';
  if (encoding === 'utf8') return new TextEncoder().encode(s);
  if (encoding === 'latin1' || encoding === 'iso88591') {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new TypeError(`_codecs.encode: character U+${c.toString(16)} is not latin-1`);
      out[i] = c;
    }
    return out;
  }
  throw new TypeError(`_codecs.encode: unsupported encoding '${String(enc)}'`);
}

function newObject(cls: unknown, args: readonly unknown[], kwargs: ReadonlyMap<unknown, unknown> | null): unknown {
  if (!(cls instanceof PyGlobal)) throw new TypeError(`cannot instantiate ${describePy(cls)}`);
  return cls.call ? cls.call(args, kwargs) : new PyObject(cls, args, kwargs);
}

/** The built-in data constructors, by `module.name` (after Python 2 name mapping). */
export const SAFE_HANDLERS: ReadonlyMap<string, GlobalHandler> = new Map<string, GlobalHandler>([
  ['collections.OrderedDict', (a) => toMap(a, 'OrderedDict')],
  ['collections.defaultdict', () => new Map()],
  ['collections.Counter', (a) => toMap(a, 'Counter')],
  ['collections.deque', (a) => (a[0] === undefined ? [] : iterate(a[0], 'deque'))],
  ['builtins.dict', (a) => toMap(a, 'dict')],
  ['builtins.list', (a) => (a[0] === undefined ? [] : iterate(a[0], 'list'))],
  ['builtins.tuple', (a) => tuple(a[0] === undefined ? [] : iterate(a[0], 'tuple'))],
  ['builtins.set', (a) => new Set(a[0] === undefined ? [] : iterate(a[0], 'set'))],
  ['builtins.frozenset', (a) => new Set(a[0] === undefined ? [] : iterate(a[0], 'frozenset'))],
  ['builtins.slice', (a): PySlice => Object.freeze({ slice: [a.length > 1 ? a[0] : null, a.length > 1 ? a[1] : a[0], a[2] ?? null] as const })],
  ['builtins.bytearray', (a) => (a[0] === undefined ? new Uint8Array(0) : typeof a[0] === 'string' ? encode(a) : Uint8Array.from(iterate(a[0], 'bytearray') as number[]))],
  ['_codecs.encode', encode],
  ['codecs.encode', encode],
  ['copyreg._reconstructor', (a) => {
    const [cls, base, state] = a;
    if (!(cls instanceof PyGlobal)) throw new TypeError(`_reconstructor needs a class, got ${describePy(cls)}`);
    return new PyObject(cls, state === null || state === undefined ? [] : [base, state]);
  }],
  ['copyreg.__newobj__', (a) => newObject(a[0], a.slice(1), null)],
  ['copyreg.__newobj_ex__', (a) => newObject(a[0], (a[1] as unknown[] | undefined) ?? [], (a[2] as Map<unknown, unknown> | undefined) ?? null)],
]);

/** A short description of an unpickled value, for error messages (never expands containers). */
export function describePy(v: unknown): string {
  if (v === null) return 'None';
  if (v === undefined) return 'nothing';
  if (typeof v === 'boolean') return `bool ${v ? 'True' : 'False'}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `number ${String(v)}`;
  if (typeof v === 'string') return `str ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (Array.isArray(v)) return `${isTuple(v) ? 'tuple' : 'list'}[${v.length}]`;
  if (v instanceof Map) return `dict[${v.size}]`;
  if (v instanceof Set) return `set[${v.size}]`;
  if (v instanceof PyGlobal) return `global ${v.qualname}`;
  if (v instanceof PyObject) return `object of class ${v.cls.qualname}`;
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  return name ? `${name} value` : 'value';
}
