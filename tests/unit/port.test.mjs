// extension/devpanel/port.js without a browser: a fake chrome.runtime, fake frames and tasks
// (requestAnimationFrame, MessageChannel, document.hidden) and node's fake timers.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { PanelPort } from '../../extension/devpanel/port.js';

let ports; // every port chrome.runtime.connect returned, oldest first
let frames; // requestAnimationFrame callbacks waiting for the next frame
let tasks; // MessageChannel messages waiting for their task
let clock; // performance.now()

/** The browser paints a frame: the animation frame callbacks run (not the tasks they queue). */
function paintFrame() {
  const callbacks = frames;
  frames = [];
  callbacks.forEach((callback) => callback(clock));
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
  clock = 1000;
  Object.defineProperty(globalThis, 'performance', { value: { now: () => clock }, configurable: true, writable: true });
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
  Object.defineProperty(globalThis, 'performance', { value: realPerformance, configurable: true, writable: true });
});

const RealMessageChannel = globalThis.MessageChannel;
const realPerformance = globalThis.performance;
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

test('an idle panel gets a string message at once; other messages are ignored', () => {
  const { received } = openPort();
  latestPort().receive('{"v":1,"type":"status"}');
  assert.deepEqual(received, ['{"v":1,"type":"status"}']);
  runTasks();
  clock += 100;
  latestPort().receive({ v: 1, type: 'status' });
  latestPort().receive(42);
  latestPort().receive(null);
  paintFrame();
  runTasks();
  assert.deepEqual(received, ['{"v":1,"type":"status"}']);
});

test('messages within a frame of the last hand-over wait for the next frame and go together; each is reported received once rendered', () => {
  const handOvers = [];
  const port = new PanelPort((text) => handOvers.at(-1).push(text), () => {});
  port.open();
  const wire = latestPort();
  handOvers.push([]);
  wire.receive('a');
  runTasks();
  assert.deepEqual(wire.sent, [RECEIVED]);
  clock += 5;
  ['b', 'c', 'd'].forEach((m) => wire.receive(m));
  assert.deepEqual(handOvers, [['a']]);
  handOvers.push([]);
  paintFrame();
  assert.deepEqual(handOvers, [['a'], ['b', 'c', 'd']]);
  assert.deepEqual(wire.sent, [RECEIVED], 'received only after the render (the next task)');
  runTasks();
  assert.deepEqual(wire.sent, [RECEIVED, RECEIVED, RECEIVED, RECEIVED]);
});

test('one hand-over at a time: what comes before its render is done waits for the next frame', () => {
  const { received } = openPort();
  const wire = latestPort();
  wire.receive('a');
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

test('what waited for a port lost meanwhile is dropped: the panel resubscribes and gets a snapshot', () => {
  const { received, connection } = openPort();
  const first = latestPort();
  first.receive('a');
  first.receive('stale');
  first.drop();
  mock.timers.tick(50);
  latestPort().receive('fresh');
  runTasks();
  paintFrame();
  runTasks();
  paintFrame();
  assert.deepEqual(received, ['a', 'fresh']);
  assert.deepEqual(connection, [true, false, true]);
});

test('an update the panel throws on does not hold back the next ones, nor their received', (t) => {
  t.mock.method(console, 'error', () => {});
  const received = [];
  const port = new PanelPort((text) => {
    if (text === 'bad') throw new Error('cannot');
    received.push(text);
  }, () => {});
  port.open();
  const wire = latestPort();
  wire.receive('bad');
  wire.receive('next');
  runTasks();
  paintFrame();
  runTasks();
  assert.deepEqual(received, ['next']);
  assert.deepEqual(wire.sent, [RECEIVED, RECEIVED]);
});

test('a hidden panel (no frames) gets what waited at the next task', () => {
  globalThis.document.hidden = true;
  const { received } = openPort();
  latestPort().receive('a');
  latestPort().receive('b');
  assert.deepEqual(received, ['a']);
  runTasks();
  assert.deepEqual(received, ['a', 'b']);
  runTasks();
  assert.deepEqual(latestPort().sent, [RECEIVED, RECEIVED]);
  assert.equal(frames.length, 0);
});

test('a panel that paints no frames (another DevTools panel in front) gets what waited 100 ms later, then at the next task until it paints again', () => {
  const { received } = openPort();
  latestPort().receive('a');
  runTasks();
  latestPort().receive('b');
  mock.timers.tick(99);
  assert.deepEqual(received, ['a']);
  mock.timers.tick(1);
  assert.deepEqual(received, ['a', 'b']);
  runTasks();
  // No frame came: a stream is not held to one update per 100 ms (the background sends the next
  // one only after this one's `received`).
  for (const message of ['c', 'd', 'e']) {
    latestPort().receive(message);
    runTasks();
  }
  assert.deepEqual(received, ['a', 'b', 'c', 'd', 'e']);
  assert.equal(latestPort().sent.length, 5, 'each reported received');
  // A frame now and then (a tab behind another one): still the next task.
  paintFrame();
  clock += 500;
  latestPort().receive('f0');
  runTasks();
  assert.deepEqual(received, ['a', 'b', 'c', 'd', 'e', 'f0']);
  // It paints again (two frames close together): updates within a frame of the last wait for the
  // next frame once more.
  paintFrame();
  clock += 16;
  paintFrame();
  latestPort().receive('f');
  runTasks();
  assert.deepEqual(received, ['a', 'b', 'c', 'd', 'e', 'f0'], 'waits for the frame');
  paintFrame();
  assert.deepEqual(received, ['a', 'b', 'c', 'd', 'e', 'f0', 'f']);
});

test('after a render of several updates longer than a frame the panel rests as long before the next (at most 100 ms)', () => {
  let renderMs = 0;
  const received = [];
  const port = new PanelPort((text) => { received.push(text); clock += renderMs; }, () => {});
  port.open();
  const wire = latestPort();
  wire.receive('a'); // idle: at once
  runTasks();
  renderMs = 20;
  wire.receive('b');
  wire.receive('c');
  paintFrame(); // b and c together: 40 ms
  runTasks();
  wire.receive('next');
  paintFrame();
  assert.deepEqual(received, ['a', 'b', 'c'], 'not at the next frame');
  mock.timers.tick(39);
  paintFrame();
  assert.deepEqual(received, ['a', 'b', 'c']);
  mock.timers.tick(1);
  clock += 40;
  paintFrame();
  assert.deepEqual(received, ['a', 'b', 'c', 'next']);
  runTasks();
  clock += 200;
  renderMs = 0;
  wire.receive('d');
  runTasks();
  renderMs = 250;
  wire.receive('e');
  wire.receive('f');
  paintFrame(); // 500 ms
  runTasks();
  wire.receive('after a very slow one');
  mock.timers.tick(99);
  paintFrame();
  assert.equal(received.length, 7, 'rests');
  mock.timers.tick(1);
  paintFrame();
  assert.equal(received.at(-1), 'after a very slow one', 'for 100 ms, not 500');
});

test('a single slow update does not hold back the next one (no stream: no rest)', () => {
  const received = [];
  const port = new PanelPort((text) => { received.push(text); clock += 60; }, () => {});
  port.open();
  const wire = latestPort();
  wire.receive('slow');
  runTasks();
  wire.receive('next');
  assert.deepEqual(received, ['slow', 'next']);
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
