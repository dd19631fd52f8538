// Shared by the Box SDK scripts (box-sdk-test.mjs, box-sdk-read.mjs): the client exactly as a Box customer configures
// it, and the step/report helpers. Each script prints ONE line of JSON: {"passed","failed","steps":{name:{ok,error?,...}}}.
import { createHash } from 'node:crypto';
import { BoxClient, BoxDeveloperTokenAuth } from 'box-node-sdk';

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

// The whole configuration a Box customer changes: the base URLs and the token.
export const clientFor = (baseUrl, token) =>
  new BoxClient({ auth: new BoxDeveloperTokenAuth({ token }) }).withCustomBaseUrls({
    baseUrl,
    uploadUrl: `${baseUrl}/api`,
    oauth2Url: `${baseUrl}/oauth2`,
  });

export function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** box-node-sdk 10.12 keeps responseInfo.code and .requestId JSON-encoded ("\"not_found\""); the body has them plain. */
export const plain = (v) => (typeof v === 'string' && v.startsWith('"') ? JSON.parse(v) : v);

/** What a failure looked like: the SDK's error class, and for BoxApiError the server's answer. */
export function describe(e) {
  const out = { kind: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e).slice(0, 600) };
  if (e?.responseInfo) {
    out.status = e.responseInfo.statusCode;
    out.code = plain(e.responseInfo.code) ?? null;
    out.body = (e.responseInfo.rawBody ?? '').slice(0, 600);
  }
  return out;
}

export const steps = {};

/**
 * Runs one step; its facts (what fn returns) are kept in the report. Returns fn's value or undefined. Every SDK answer
 * goes through the SDK's own deserialisers, so an answer the SDK cannot parse throws here and fails the step.
 */
export async function step(name, fn) {
  const started = Date.now();
  try {
    const facts = await fn();
    steps[name] = { ok: true, ms: Date.now() - started, ...(facts?.report ?? {}) };
    return facts?.value ?? facts;
  } catch (e) {
    steps[name] = { ok: false, ms: Date.now() - started, error: describe(e) };
    return undefined;
  }
}

export async function readAll(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export const sha256 = (b) => createHash('sha256').update(b).digest('hex');

/** The SDK's times and dates are wrappers {value: Date}; a string it cannot read becomes an Invalid Date, not an error. */
export const validTime = (t) => t === undefined || !Number.isNaN(t.value?.getTime());

/** Prints the report line and exits 0 when every step passed, 1 otherwise. */
export function finish(extra = {}) {
  const failed = Object.entries(steps).filter(([, s]) => !s.ok).map(([n]) => n);
  process.stdout.write(JSON.stringify({ passed: Object.keys(steps).length - failed.length, failed, steps, ...extra }) + '\n');
  process.exit(failed.length ? 1 : 0);
}
