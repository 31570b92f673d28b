// extension/devpanel/port.js without a browser: a fake chrome.runtime, fake frames and tasks
// (requestAnimationFrame, MessageChannel, document.hidden) and node's fake timers.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { PanelPort } from '../../extension/devpanel/port.js';

let ports; // every port chrome.runtime.connect returned, oldest first
let frames; // requestAnimationFrame callbacks waiting for the next frame
let tasks; // MessageChannel messages waiting for their task

/** The browser paints a frame: the animation frame callbacks run (not the tasks they queue). */
function paintFrame() {
  const callbacks = frames;
  frames = [];
  callbacks.forEach((callback) => callback(performance.now()));
}

/** The tasks queued so far run (the panel's renders are done by then: they are microtasks). */
function runTasks() {
  while (tasks.length) tasks.shift()();
}

class FakeMessageChannel {
  constructor() {
    const port1 = { onmessage: null, close() {} };
    this.port1 = port1;
    this.port2 = { postMessage: () => tasks.push(() => port1.onmessage?.({ data: null })) };
  }
}

function fakePort(name) {
  const messageListeners = [];
  const disconnectListeners = [];
  return {
    name,
    sent: [],
    closed: false,
    onMessage: { addListener: (listener) => messageListeners.push(listener) },
    onDisconnect: { addListener: (listener) => disconnectListeners.push(listener) },
    postMessage(message) {
      if (this.closed) throw new Error('Attempting to use a disconnected port object');
      this.sent.push(message);
    },
    receive: (message) => messageListeners.forEach((listener) => listener(message)),
    drop() {
      this.closed = true;
      disconnectListeners.forEach((listener) => listener());
    },
  };
}

const latestPort = () => ports.at(-1);

/** A PanelPort that records what it hands to the panel. */
function openPort() {
  const received = [];
  const connection = [];
  const port = new PanelPort(
    (text) => received.push(text),
    (up) => connection.push(up),
  );
  port.open();
  return { port, received, connection };
}

/** Drops the current port, then returns the delay after which the next connect happened. */
function delayOfNextReconnect() {
  const before = ports.length;
  latestPort().drop();
  for (let waited = 1; waited <= 10_000; waited++) {
    mock.timers.tick(1);
    if (ports.length > before) return waited;
  }
  return Infinity;
}

beforeEach(() => {
  ports = [];
  frames = [];
  tasks = [];
  globalThis.document = { hidden: false };
  globalThis.requestAnimationFrame = (callback) => frames.push(callback);
  globalThis.MessageChannel = FakeMessageChannel;
  globalThis.chrome = {
    runtime: {
      id: 'extension-id',
      connect: ({ name }) => {
        const port = fakePort(name);
        ports.push(port);
        return port;
      },
    },
  };
  mock.timers.enable({ apis: ['setTimeout'] });
});

afterEach(() => {
  mock.timers.reset();
  delete globalThis.chrome;
  delete globalThis.document;
  delete globalThis.requestAnimationFrame;
  globalThis.MessageChannel = RealMessageChannel;
});

const RealMessageChannel = globalThis.MessageChannel;
const RECEIVED = '{"v":1,"type":"received"}';

test('nothing connects before open(), which opens the port "panel" and reports up', () => {
  const connection = [];
  const port = new PanelPort(() => {}, (up) => connection.push(up));
  assert.equal(ports.length, 0);
  assert.deepEqual(connection, []);
  port.open();
  assert.deepEqual(ports.map((p) => p.name), ['panel']);
  assert.deepEqual(connection, [true]);
});

test('it builds no message of its own: only what the panel sends goes out, as given', () => {
  const { port } = openPort();
  assert.deepEqual(latestPort().sent, []);
  port.send('{"v":1,"type":"clear"}');
  assert.deepEqual(latestPort().sent, ['{"v":1,"type":"clear"}']);
});

test('backoff delays double up to the cap', () => {
  openPort();
  const delays = Array.from({ length: 8 }, delayOfNextReconnect);
  assert.deepEqual(delays, [50, 100, 200, 400, 800, 1600, 2000, 2000]);
});

test('backoff starts again from the shortest delay after a message', () => {
  openPort();
  delayOfNextReconnect();
  delayOfNextReconnect();
  latestPort().receive('{"v":1}');
  assert.equal(delayOfNextReconnect(), 50);
});

test('every reconnect reports up again, so the panel resubscribes each time', () => {
  const { connection } = openPort();
  delayOfNextReconnect();
  delayOfNextReconnect();
  assert.deepEqual(connection, [true, false, true, false, true]);
});

test('a connect that throws reports down and is retried', () => {
  const connect = globalThis.chrome.runtime.connect;
  globalThis.chrome.runtime.connect = () => {
    throw new Error('Could not establish connection');
  };
  const { connection } = openPort();
  assert.deepEqual(connection, [false]);
  globalThis.chrome.runtime.connect = connect;
  mock.timers.tick(50);
  assert.equal(ports.length, 1);
  assert.deepEqual(connection, [false, true]);
});

test('string messages reach the panel at the next frame; other messages are ignored', () => {
  const { received } = openPort();
  latestPort().receive('{"v":1,"type":"status"}');
  latestPort().receive({ v: 1, type: 'status' });
  latestPort().receive(42);
  latestPort().receive(null);
  assert.deepEqual(received, []);
  paintFrame();
  assert.deepEqual(received, ['{"v":1,"type":"status"}']);
});

test('the messages that came since the last frame are handed over together; each is reported received once rendered', () => {
  const handOvers = [];
  const port = new PanelPort((text) => handOvers.at(-1).push(text), () => {});
  port.open();
  const wire = latestPort();
  ['a', 'b', 'c'].forEach((m) => wire.receive(m));
  handOvers.push([]);
  paintFrame();
  assert.deepEqual(handOvers, [['a', 'b', 'c']]);
  assert.deepEqual(wire.sent, [], 'received only after the render (the next task)');
  runTasks();
  assert.deepEqual(wire.sent, [RECEIVED, RECEIVED, RECEIVED]);
});

test('one hand-over at a time: what comes before its render is done waits for the next frame', () => {
  const { received } = openPort();
  const wire = latestPort();
  wire.receive('a');
  paintFrame();
  wire.receive('b');
  paintFrame();
  assert.deepEqual(received, ['a'], 'b waits: the render of a is not done');
  runTasks();
  assert.deepEqual(received, ['a']);
  paintFrame();
  assert.deepEqual(received, ['a', 'b']);
  runTasks();
  assert.deepEqual(wire.sent, [RECEIVED, RECEIVED]);
});

test('a hidden panel (no frames) gets its messages at the next task', () => {
  globalThis.document.hidden = true;
  const { received } = openPort();
  latestPort().receive('a');
  latestPort().receive('b');
  runTasks();
  assert.deepEqual(received, ['a', 'b']);
  runTasks();
  assert.deepEqual(latestPort().sent, [RECEIVED, RECEIVED]);
  assert.equal(frames.length, 0);
});

test('a panel that paints no frames (another DevTools panel in front) gets its messages 100 ms after the first', () => {
  const { received } = openPort();
  latestPort().receive('a');
  mock.timers.tick(99);
  assert.deepEqual(received, []);
  mock.timers.tick(1);
  assert.deepEqual(received, ['a']);
  paintFrame();
  assert.deepEqual(received, ['a'], 'handed over once');
});

test('after a render slower than a frame the panel rests as long before the next', () => {
  const busy = (ms) => { const end = performance.now() + ms; while (performance.now() < end); };
  const { port } = { port: new PanelPort(() => busy(40), () => {}) };
  port.open();
  const wire = latestPort();
  wire.receive('slow');
  paintFrame();
  runTasks();
  wire.receive('next');
  paintFrame();
  assert.equal(wire.sent.length, 1, 'not handed over at the next frame');
  mock.timers.tick(45);
  paintFrame();
  runTasks();
  assert.equal(wire.sent.length, 2);
});

test('send while disconnected does not throw', () => {
  const { port } = openPort();
  const dropped = latestPort();
  dropped.drop();
  assert.doesNotThrow(() => port.send('{"v":1,"type":"clear"}'));
  // A port that is gone without onDisconnect having run yet throws on postMessage.
  mock.timers.tick(50);
  latestPort().closed = true;
  assert.doesNotThrow(() => port.send('{"v":1,"type":"clear"}'));
  assert.deepEqual(dropped.sent, []);
});

test('no retry once the extension is gone (chrome.runtime.id undefined)', () => {
  const { connection } = openPort();
  delete globalThis.chrome.runtime.id;
  latestPort().drop();
  mock.timers.tick(60_000);
  assert.equal(ports.length, 1);
  assert.deepEqual(connection, [true, false]);
});
