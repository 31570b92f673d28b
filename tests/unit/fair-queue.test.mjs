// extension/background/fair-queue.js: the background's per-source queues of hub inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FairQueue } from '../../extension/background/fair-queue.js';

function drain(queue) {
  const out = [];
  for (let item = queue.take(); item !== undefined; item = queue.take()) out.push(item);
  return out;
}

test('one tab at a time: a flooding tab delays another by at most one message', () => {
  const queue = new FairQueue();
  for (let i = 1; i <= 50; i++) queue.push(1, `a${i}`);
  queue.push(2, 'b1');
  queue.push(2, 'b2');
  assert.deepEqual(drain(queue).slice(0, 5), ['a1', 'b1', 'a2', 'b2', 'a3']);
});

test('each tab keeps its own order', () => {
  const queue = new FairQueue();
  ['a1', 'a2', 'a3'].forEach((x) => queue.push(1, x));
  ['b1', 'b2'].forEach((x) => queue.push(2, x));
  const out = drain(queue);
  assert.deepEqual(out.filter((x) => x.startsWith('a')), ['a1', 'a2', 'a3']);
  assert.deepEqual(out.filter((x) => x.startsWith('b')), ['b1', 'b2']);
});

test("a queue over its bound loses its own oldest message, never another source's", () => {
  const queue = new FairQueue();
  queue.push(2, 'b1');
  assert.equal(queue.push(1, 'a1', 2), true);
  assert.equal(queue.push(1, 'a2', 2), true);
  assert.equal(queue.push(1, 'a3', 2), false);
  assert.equal(queue.push('panel:1', 'p1'), true, 'unbounded by default');
  assert.deepEqual(drain(queue), ['b1', 'a2', 'p1', 'a3']);
});

test('empty: nothing to take', () => {
  const queue = new FairQueue();
  assert.equal(queue.take(), undefined);
  queue.push(7, 'x');
  assert.equal(queue.take(), 'x');
  assert.equal(queue.take(), undefined);
});
