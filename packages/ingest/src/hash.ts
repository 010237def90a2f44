// SHA-256 for the hot path. Fingerprints, dedup keys and API-key hashes are computed several times
// per request, so on Node they use the synchronous node:crypto hash (Web Crypto's async digest
// costs a thread-pool round trip each). The HMAC verifier stays on Web Crypto (hmac.ts).
import { createHash } from 'node:crypto';

export function sha256HexSync(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}
