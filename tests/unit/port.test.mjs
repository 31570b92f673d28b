// extension/devpanel/port.js without a browser: a fake chrome.runtime and node's fake timers.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { PanelPort } from '../../extension/devpanel/port.js';

let ports; // every port chrome.runtime.connect returned, oldest first

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
});

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

test('string messages reach the panel; other messages are ignored', () => {
  const { received } = openPort();
  latestPort().receive('{"v":1,"type":"status"}');
  latestPort().receive({ v: 1, type: 'status' });
  latestPort().receive(42);
  latestPort().receive(null);
  assert.deepEqual(received, ['{"v":1,"type":"status"}']);
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
