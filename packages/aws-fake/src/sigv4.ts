// SigV4 verification as AWS does it: rebuild the canonical request from what arrived on the wire,
// derive the signing key from the secret we know for the access key, compare signatures.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ParsedAuth {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type SigV4Failure =
  | { kind: 'missing'; message: string }
  | { kind: 'malformed'; message: string }
  | { kind: 'skew'; message: string }
  | { kind: 'mismatch'; message: string };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

export function parseAuthorization(header: string | undefined): ParsedAuth | SigV4Failure {
  if (!header) return { kind: 'missing', message: 'Missing Authentication Token' };
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!m)
    return {
      kind: 'malformed',
      message: 'Authorization header requires Credential, SignedHeaders and Signature',
    };
  const parts = m[1]!.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    return { kind: 'malformed', message: `Credential should be scoped to a valid region: ${m[1]}` };
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((kv) => {
      const i = kv.indexOf('=');
      const k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
      const v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' '));
      return [uriEncode(k), uriEncode(v)] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalPath(p: string): string {
  return p
    .split('/')
    .map((seg) => uriEncode(decodeURIComponent(seg)))
    .join('/');
}

/** Verifies the signature of `req` made with `secretAccessKey`; returns null when it is valid. */
export function verifySigV4(
  req: SignedRequest,
  auth: ParsedAuth,
  secretAccessKey: string,
  now: Date = new Date(),
): SigV4Failure | null {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const amzDate = header('x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return {
      kind: 'malformed',
      message: 'Authorization header requires existence of either a X-Amz-Date or a Date header.',
    };
  }
  if (!amzDate.startsWith(auth.date))
    return { kind: 'malformed', message: 'Credential date does not match X-Amz-Date' };
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(now.getTime() - signedAt) > 15 * 60_000) {
    return {
      kind: 'skew',
      message: `Signature expired: ${amzDate} is now earlier or later than 15 minutes from now`,
    };
  }
  if (!auth.signedHeaders.includes('host'))
    return { kind: 'malformed', message: 'host must be a signed header' };
  const canonicalHeaders = auth.signedHeaders
    .map((h) => `${h}:${(header(h) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = header('x-amz-content-sha256') ?? sha256(req.body);
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(req.body)) {
    return {
      kind: 'mismatch',
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    };
  }
  const canonicalRequest = [
    req.method,
    canonicalPath(req.path),
    canonicalQuery(req.query),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${secretAccessKey}`, auth.date);
  const kSigning = hmac(hmac(hmac(kDate, auth.region), auth.service), 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      kind: 'mismatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return null;
}
