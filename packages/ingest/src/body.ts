// Reading a request body under a byte limit, enforced while it streams: a declared Content-Length
// over the limit is refused before reading, and a chunked body is cancelled at the first byte past
// the limit (413), so a sender can never make us buffer more than `limit` bytes.
import { AppError } from '@aw/core/errors';

export interface BodySource {
  headers: { get(name: string): string | null };
  body?: ReadableStream<Uint8Array> | null;
  /** The body, already read by the server (at most limit + 1 bytes). */
  rawBody?: Uint8Array;
  /** Reads the body when it is first needed (after authentication), at most limit + 1 bytes. */
  readRawBody?: () => Promise<Uint8Array>;
}

export function payloadTooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `body exceeds ${limit} bytes`, [
    { field: 'body', reason: `must be at most ${limit} bytes` },
  ]);
}

export async function readBodyLimited(req: BodySource, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared && /^\d+$/.test(declared) && Number(declared) > limit) throw payloadTooLarge(limit);
  const raw = req.rawBody ?? (req.readRawBody ? await req.readRawBody() : undefined);
  if (raw) {
    if (raw.byteLength > limit) throw payloadTooLarge(limit);
    return raw;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: a sender that keeps streaming must not hold the answer back.
      void reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}
