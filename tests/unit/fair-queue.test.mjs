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
  assert.equal(queue.push(1, 'a1', { items: 2 }), 0);
  assert.equal(queue.push(1, 'a2', { items: 2 }), 0);
  assert.equal(queue.push(1, 'a3', { items: 2 }), 1);
  assert.equal(queue.push('panel:1', 'p1'), 0, 'unbounded by default');
  assert.deepEqual(drain(queue), ['b1', 'a2', 'p1', 'a3']);
});

test('a queue over its size loses its own oldest messages, keeping the newest even when it alone is over', () => {
  const queue = new FairQueue();
  const bound = { maxSize: 100 };
  queue.push(2, 'b1', { size: 90, ...bound });
  assert.equal(queue.push(1, 'a1', { size: 40, ...bound }), 0);
  assert.equal(queue.push(1, 'a2', { size: 40, ...bound }), 0);
  assert.equal(queue.push(1, 'a3', { size: 40, ...bound }), 1, 'a1 goes');
  assert.equal(queue.push(1, 'a4', { size: 150, ...bound }), 2, 'a2 and a3 go; a4 stays');
  assert.equal(queue.has(1), true);
  assert.deepEqual(drain(queue), ['b1', 'a4']);
  assert.equal(queue.has(1), false);
  assert.equal(queue.push(1, 'a5', { size: 100, ...bound }), 0, 'the size taken was given back');
});

test('empty: nothing to take', () => {
  const queue = new FairQueue();
  assert.equal(queue.take(), undefined);
  queue.push(7, 'x');
  assert.equal(queue.take(), 'x');
  assert.equal(queue.take(), undefined);
});
