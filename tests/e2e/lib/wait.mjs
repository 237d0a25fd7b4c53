// Waiting on conditions, never on the clock alone.

/** Polls `probe` until it returns a truthy value, which is returned; fails after `timeout` ms. */
export async function waitFor(probe, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Resolves with the first line of a readable stream that matches `pattern`. */
export function waitForLine(stream, pattern, { timeout = 30000, what = String(pattern) } = {}) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => done(new Error(`timed out after ${timeout} ms waiting for ${what}`)), timeout);
    const onData = (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        const match = line.match(pattern);
        if (match) return done(null, match);
      }
    };
    const onEnd = () => done(new Error(`stream ended before ${what}`));
    function done(error, match) {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (error) reject(error);
      else resolve(match);
    }
    stream.setEncoding('utf8');
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}
