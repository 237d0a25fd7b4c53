// Chrome only: holds the companion event stream, which would die with an idle service worker.
// Offscreen documents may use only chrome.runtime, so results go to the worker as messages,
// and each message also wakes the worker to store them.
import init, * as core from './pkg/extension_core.js';
import { Connection } from './lib/connection.js';

const ready = init();
let connection = null;
let deviceId = null;

const send = (message) => chrome.runtime.sendMessage({ ...message, deviceId }).catch(() => {});

const sink = {
  state: (state) => send({ type: 'connection-state', connection: state }),
  events: (events, lastEventId) => send({ type: 'connection-events', events, lastEventId }),
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== 'offscreen' || sender.id !== chrome.runtime.id) return false;
  ready.then(() => {
    if (message.type === 'connect') {
      connection ??= new Connection(core, sink);
      deviceId = message.params.deviceId;
      connection.start(message.params);
    } else if (message.type === 'disconnect') {
      connection?.stop();
    }
    sendResponse({ ok: true });
  });
  return true;
});
