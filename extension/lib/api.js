// The companion's HTTP API. The token only ever travels in the Authorization header.

export const ErrorKind = Object.freeze({
  NETWORK: 'network',
  UNAUTHORIZED: 'unauthorized',
  HTTP: 'http',
});

export class ApiError extends Error {
  constructor(kind, message, { status = 0, problemType = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.problemType = problemType;
  }
}

async function problemOf(response) {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return {};
  try {
    return await response.json();
  } catch {
    return {};
  }
}

async function request(base, path, { token, method = 'GET', body, headers = {}, signal } = {}) {
  // The token is the only credential: never send the dashboard's session cookie along, which
  // the browser would do for a host the extension has permission for.
  const init = {
    method,
    headers: { Accept: 'application/json', ...headers },
    signal,
    cache: 'no-store',
    credentials: 'omit',
  };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${base}${path}`, init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(ErrorKind.NETWORK, `Cannot reach the companion at ${base}`);
  }
  if (response.ok) return response;
  const problem = await problemOf(response);
  const kind = response.status === 401 ? ErrorKind.UNAUTHORIZED : ErrorKind.HTTP;
  const message = problem.detail || problem.title || `The companion answered HTTP ${response.status}`;
  throw new ApiError(kind, message, { status: response.status, problemType: problem.type ?? '' });
}

/** Redeems a pairing code: `{token, device, user, identity}`. */
export async function pair(base, code, deviceName) {
  const response = await request(base, '/api/v1/pair', {
    method: 'POST',
    body: { code, deviceName },
  });
  return response.json();
}

/** `{user, device, identity}` for the token. */
export async function me(base, token, signal) {
  const response = await request(base, '/api/v1/me', { token, signal });
  return response.json();
}

/** Opens the event stream; the caller reads `response.body`. */
export function openEvents(base, token, lastEventId, signal) {
  const headers = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = String(lastEventId);
  return request(base, '/api/v1/events', { token, headers, signal });
}

/** The built-in platforms: `[{id, name, domains, origins}]`. */
export async function platforms(base, token) {
  return (await request(base, '/api/v1/platforms', { token })).json();
}

/** Metadata of the stored jars: `[{platform, platformName, keyId, metadata, updatedAt}]`. */
export async function credentials(base, token) {
  return (await request(base, '/api/v1/credentials', { token })).json();
}

/** The vault public key signed by the companion's identity key. */
export async function vaultKey(base, token) {
  return (await request(base, '/api/v1/vault/public-key', { token })).json();
}

/** Stores a sealed jar; 409 means it was sealed to a retired key. */
export async function putCredential(base, token, platform, envelope) {
  const path = `/api/v1/credentials/${encodeURIComponent(platform)}`;
  return (await request(base, path, { token, method: 'PUT', body: { envelope } })).json();
}

export async function deleteCredential(base, token, platform) {
  await request(base, `/api/v1/credentials/${encodeURIComponent(platform)}`, { token, method: 'DELETE' });
}

/** The agent's requests, optionally in one state (`pending`, ...), newest first. */
export async function agentRequests(base, token, state) {
  const query = state ? `?state=${encodeURIComponent(state)}` : '';
  return (await request(base, `/api/v1/agent-requests${query}`, { token })).json();
}

/** One request card. */
export async function agentRequest(base, token, id) {
  return (await request(base, `/api/v1/agent-requests/${encodeURIComponent(id)}`, { token })).json();
}

/** `approve` or `decline` a request at the version the user saw; 409 if it changed. */
export async function decideRequest(base, token, id, action, version) {
  const path = `/api/v1/agent-requests/${encodeURIComponent(id)}/${action}`;
  return (await request(base, path, { token, method: 'POST', body: { version } })).json();
}

/** Saves a job posting (a JSON-LD JobPosting or `{url, title, company, description}`). */
export async function savePosting(base, token, posting) {
  const response = await request(base, '/api/v1/postings', { token, method: 'POST', body: posting });
  return response.json();
}

/** The JSON Resume: `{resume, version}`. */
export async function profile(base, token) {
  return (await request(base, '/api/v1/profile', { token })).json();
}

/** The typed answer bank: `{answers, version}`. */
export async function answers(base, token) {
  return (await request(base, '/api/v1/profile/answers', { token })).json();
}

/** Stored answers to recurring questions: `[{id, question, answer, tags}]`. */
export async function freeAnswers(base, token) {
  return (await request(base, '/api/v1/profile/free-answers', { token })).json();
}

/** The resume PDF as `{name, bytes}`, or null when none was uploaded. */
export async function resumePdf(base, token) {
  let response;
  try {
    response = await request(base, '/api/v1/profile/resume-pdf', { token, headers: { Accept: 'application/pdf' } });
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = (utf8 && decodeURIComponent(utf8)) || /filename="([^"]+)"/.exec(disposition)?.[1] || 'resume.pdf';
  return { name, bytes: new Uint8Array(await response.arrayBuffer()) };
}
