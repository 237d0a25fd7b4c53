// One companion connection: verify the pinned identity, then follow the event stream, and
// reconnect with backoff. Runs in Chrome's offscreen document or Firefox's event page; the
// sink decides where states and events go.
import * as api from './api.js';
import { State } from './store.js';

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;
const DEVICE_REVOKED = 'device.revoked';

/**
 * Asks the companion who we are and compares its identity key with the pinned one.
 * Returns a connection state object; only `{state: CONNECTED}` allows streaming.
 */
export async function verify(core, { companionUrl, token, identityKey }, signal) {
  let info;
  try {
    info = await api.me(companionUrl, token, signal);
  } catch (error) {
    return stateForError(error);
  }
  const check = core.checkIdentity(identityKey, info.identity?.publicKey ?? '');
  if (!check.ok) {
    return {
      state: State.IDENTITY_CHANGED,
      pinnedFingerprint: check.pinnedFingerprint,
      presentedFingerprint: check.presentedFingerprint,
    };
  }
  return { state: State.CONNECTED, user: info.user };
}

export function stateForError(error) {
  if (error?.name === 'AbortError') throw error;
  if (error?.kind === api.ErrorKind.UNAUTHORIZED) return { state: State.REVOKED, detail: error.message };
  return { state: State.UNREACHABLE, detail: error?.message ?? String(error) };
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

export class Connection {
  /**
   * @param core the initialised WASM module
   * @param sink `{state(obj), events(list, lastEventId)}`, both may return promises
   */
  constructor(core, sink) {
    this.core = core;
    this.sink = sink;
    this.params = null;
    this.controller = null;
  }

  /** True when already following this pairing; a repeated start is then a no-op. */
  isFollowing(params) {
    return this.controller !== null && this.params?.token === params.token
      && this.params?.companionUrl === params.companionUrl;
  }

  start(params) {
    if (this.isFollowing(params)) return;
    this.stop();
    this.params = params;
    this.lastEventId = params.lastEventId ?? null;
    this.controller = new AbortController();
    this.run(this.controller.signal).catch((error) => {
      if (error?.name !== 'AbortError') console.error('AutoResume connection stopped:', error.message);
    });
  }

  stop() {
    this.controller?.abort();
    this.controller = null;
  }

  async run(signal) {
    let backoff = MIN_BACKOFF_MS;
    while (!signal.aborted) {
      const verdict = await verify(this.core, this.params, signal);
      if (verdict.state === State.CONNECTED) {
        const outcome = await this.follow(signal);
        if (outcome.recheck) {
          backoff = MIN_BACKOFF_MS;
          continue;
        }
        if (outcome.connected) backoff = MIN_BACKOFF_MS;
        if (outcome.error) {
          const state = stateForError(outcome.error);
          await this.sink.state(state);
          if (state.state === State.REVOKED) return this.stopSelf(signal);
        }
      } else {
        await this.sink.state(verdict);
        if (verdict.state !== State.UNREACHABLE) return this.stopSelf(signal);
      }
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  stopSelf(signal) {
    if (this.controller?.signal === signal) this.controller = null;
  }

  /** Reads the stream until it ends. `recheck` asks for a fresh /me (a device was revoked). */
  async follow(signal) {
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort();
    signal.addEventListener('abort', abortAttempt, { once: true });
    let connected = false;
    try {
      const response = await api.openEvents(this.params.companionUrl, this.params.token, this.lastEventId, attempt.signal);
      connected = true;
      await this.sink.state({ state: State.CONNECTED });
      const parser = new this.core.SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return { connected };
        const batch = [];
        for (const message of parser.push(value)) {
          const event = parseEvent(message.data);
          if (!event) continue;
          batch.push(event);
          this.lastEventId = message.lastEventId ?? String(event.id);
        }
        if (batch.length === 0) continue;
        await this.sink.events(batch, this.lastEventId);
        if (batch.some((e) => e.type === DEVICE_REVOKED)) {
          attempt.abort();
          return { connected, recheck: true };
        }
      }
    } catch (error) {
      if (signal.aborted) throw error;
      return { connected, error };
    } finally {
      signal.removeEventListener('abort', abortAttempt);
    }
  }
}

function parseEvent(data) {
  try {
    const event = JSON.parse(data);
    return Number.isFinite(event?.id) && typeof event.type === 'string' ? event : null;
  } catch {
    return null;
  }
}
