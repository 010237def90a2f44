// Our webhook signature, on Web Crypto only (runs on Node and edge runtimes alike):
//   X-Timestamp: <unix seconds>
//   X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
// accepted within ±300 s of our clock (Stripe's tolerance rule), compared in constant time.
import { toHex, timingSafeEqualStr } from '@aw/core/crypto';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

const enc = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keyCache.get(secret);
  if (!k) {
    k = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(secret, k);
  }
  return k;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? enc.encode(body) : body;
}

type NodeCrypto = {
  createHmac(alg: string, key: string): { update(d: Uint8Array): { digest(enc: 'hex'): string } };
};

/**
 * Node's native HMAC when this runs on Node (found at run time through process.getBuiltinModule,
 * so nothing imports node:crypto and the module still loads on an edge runtime). Web Crypto's
 * async sign costs a thread-pool hop per request on Node; the result is the same bytes.
 * `AW_HMAC_WEBCRYPTO=1` forces Web Crypto everywhere.
 */
const nodeCrypto: NodeCrypto | null = (() => {
  const proc = (
    globalThis as {
      process?: { getBuiltinModule?: (m: string) => unknown; env?: Record<string, string | undefined> };
    }
  ).process;
  if (!proc?.getBuiltinModule || proc.env?.AW_HMAC_WEBCRYPTO === '1') return null;
  try {
    return (proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined) ?? null;
  } catch {
    return null;
  }
})();

/** hex HMAC-SHA256(secret, message) on Web Crypto (what an edge runtime uses). */
export async function webCryptoHmacSha256Hex(secret: string, message: string | Uint8Array): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), bytesOf(message) as BufferSource);
  return toHex(sig);
}

/** hex HMAC-SHA256(secret, message). */
export async function hmacSha256Hex(secret: string, message: string | Uint8Array): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHmac('sha256', secret).update(bytesOf(message)).digest('hex');
  return webCryptoHmacSha256Hex(secret, message);
}

/** The X-Signature value for a body sent at `timestamp` (unix seconds). */
export async function signBody(secret: string, timestamp: number | string, body: string | Uint8Array) {
  const msg = concat(enc.encode(`${timestamp}.`), bytesOf(body));
  return `sha256=${await hmacSha256Hex(secret, msg)}`;
}

/** Headers a sender adds: X-Timestamp and X-Signature. */
export async function signatureHeaders(
  secret: string,
  body: string | Uint8Array,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ 'X-Timestamp': string; 'X-Signature': string }> {
  return { 'X-Timestamp': String(nowSeconds), 'X-Signature': await signBody(secret, nowSeconds, body) };
}

export type VerifyResult =
  | { ok: true; /** lowercase hex: the replay-window nonce */ signature: string; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks X-Timestamp/X-Signature against any of the company's valid secrets (two during a
 * rotation overlap). The reason is for logs only: callers answer every failure with the same 401.
 */
export async function verifySignature(input: {
  secrets: string[];
  timestamp: string | null;
  signature: string | null;
  rawBody: Uint8Array;
  nowSeconds: number;
  toleranceSeconds?: number;
}): Promise<VerifyResult> {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp.trim())) return { ok: false, reason: 'malformed' };
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const ts = Number(timestamp.trim());
  if (Math.abs(input.nowSeconds - ts) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return { ok: false, reason: 'stale' };
  const given = m[1]!.toLowerCase();
  const msg = concat(enc.encode(`${timestamp.trim()}.`), input.rawBody);
  let match = false;
  for (const secret of input.secrets) {
    const expected = await hmacSha256Hex(secret, msg);
    // No early exit: every secret is tried, whatever matched.
    if (timingSafeEqualStr(expected, given)) match = true;
  }
  return match ? { ok: true, signature: given, timestamp: ts } : { ok: false, reason: 'mismatch' };
}

/**
 * Grafana's own scheme (contact point "HMAC signature"): the header holds hex
 * HMAC-SHA256(secret, timestamp + ":" + body), with the timestamp in the configured timestamp
 * header. We require the timestamp so the replay window applies.
 */
export async function verifyGrafanaSignature(input: {
  secrets: string[];
  timestamp: string | null;
  signature: string | null;
  rawBody: Uint8Array;
  nowSeconds: number;
  toleranceSeconds?: number;
}): Promise<VerifyResult> {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp.trim())) return { ok: false, reason: 'malformed' };
  const m = /^(?:sha256=)?([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const ts = Number(timestamp.trim());
  if (Math.abs(input.nowSeconds - ts) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return { ok: false, reason: 'stale' };
  const given = m[1]!.toLowerCase();
  const msg = concat(enc.encode(`${timestamp.trim()}:`), input.rawBody);
  let match = false;
  for (const secret of input.secrets) {
    if (timingSafeEqualStr(await hmacSha256Hex(secret, msg), given)) match = true;
  }
  return match ? { ok: true, signature: given, timestamp: ts } : { ok: false, reason: 'mismatch' };
}
