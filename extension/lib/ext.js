// Firefox names the promise-based API `browser`; Chrome's MV3 `chrome` returns promises as well.
export const ext = globalThis.browser ?? globalThis.chrome;

// Chrome kills an idle service worker even while a stream is open, so the stream lives in an
// offscreen document there; Firefox has no offscreen API and runs it in the event page.
export const hasOffscreen = Boolean(ext.offscreen);
