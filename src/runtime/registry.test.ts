import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionBackend } from './backend.ts';
import { BackendRegistryError, BackendResolveError } from './errors.ts';
import { BackendRegistry } from './registry.ts';

const fake = (name: string, ok = true): ExecutionBackend => ({
  name,
  available: async () => ok,
  createSession: async () => {
    throw new Error('not used');
  },
});

test('resolve picks the highest priority usable backend and initialises each once', async () => {
  const r = new BackendRegistry();
  let inits = 0;
  r.register('low', () => fake('low'), 1);
  r.register('high', () => {
    inits++;
    return fake('high');
  }, 10);
  r.register('mid', () => fake('mid'), 5);
  assert.deepEqual(r.names(), ['high', 'mid', 'low']);
  assert.equal((await r.resolve()).name, 'high');
  assert.equal((await r.resolve()).name, 'high');
  assert.equal(inits, 1);
  // explicit names are tried in the given order, regardless of priority
  assert.equal((await r.resolve(['low', 'high'])).name, 'low');
});

test('failed candidates are skipped and every reason is collected', async () => {
  const r = new BackendRegistry();
  r.register('broken', () => {
    throw new Error('native binding missing');
  }, 30);
  r.register('absent', () => fake('absent', false), 20);
  r.register('ok', () => fake('ok'), 10);
  assert.equal((await r.resolve()).name, 'ok');
  await assert.rejects(r.resolve(['broken', 'absent', 'ghost']), (e: unknown) => {
    assert.ok(e instanceof BackendResolveError);
    assert.deepEqual(e.failures, [
      { name: 'broken', reason: 'native binding missing' },
      { name: 'absent', reason: "backend 'absent' is not available on this platform" },
      { name: 'ghost', reason: 'not registered' },
    ]);
    assert.match(e.message, /broken: native binding missing; absent: .*; ghost: not registered/);
    return true;
  });
  await assert.rejects(new BackendRegistry().resolve(), /none registered/);
});

test('re-registration: higher priority replaces, lower is ignored, equal conflicts', async () => {
  const r = new BackendRegistry();
  const a = () => fake('a');
  r.register('x', a, 5);
  r.register('x', a, 5); // same registration again: no-op
  r.register('x', () => fake('lower'), 1);
  assert.equal((await r.resolve(['x'])).name, 'a');
  assert.throws(() => r.register('x', () => fake('b'), 5), BackendRegistryError);
  const r2 = new BackendRegistry();
  r2.register('x', a, 5);
  r2.register('x', () => fake('higher'), 9);
  assert.equal((await r2.resolve(['x'])).name, 'higher');
  assert.throws(() => r2.register('', a, 1), /non-empty/);
});
