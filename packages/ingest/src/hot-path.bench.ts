// Micro-benchmarks of the pure pieces every webhook request runs (`npm run bench -w @aw/ingest`):
// parsing a native and an Alertmanager body, normalizing it, fingerprinting and the HMAC check.
// Figures only, never asserted (the end-to-end ratios are in bench/run.ts).
import { bench, describe } from 'vitest';
import { finalizeAlerts, fingerprintOf } from './fingerprint.ts';
import { signatureHeaders, verifySignature } from './hmac.ts';
import { normalizeAlertmanager, normalizeNative } from './normalizers/index.ts';

const receivedAt = new Date('2026-11-29T06:00:00Z');
const native = (n: number) =>
  JSON.stringify({
    alerts: Array.from({ length: n }, (_, i) => ({
      asset: `host-${i % 500}`,
      signature: `check_${i % 20}`,
      severity: 'high',
      status: 'firing',
      occurredAt: new Date(receivedAt.getTime() - i * 10).toISOString(),
      summary: `check_${i % 20} on host-${i % 500}`,
      labels: { env: 'prod', seq: String(i) },
    })),
  });
const alertmanager = JSON.stringify({
  version: '4',
  status: 'firing',
  receiver: 'aw',
  groupKey: '{}:{alertname="HighCPU"}',
  alerts: Array.from({ length: 10 }, (_, i) => ({
    status: 'firing',
    labels: { alertname: 'HighCPU', instance: `host-${i}:9100`, severity: 'critical' },
    annotations: { summary: 'CPU above 90 %' },
    startsAt: receivedAt.toISOString(),
    fingerprint: `f${i}`,
  })),
});
const one = native(1);
const hundred = native(100);
const secret = 'bench-secret-bench-secret-bench-secret';
const oneBytes = new TextEncoder().encode(one);
const headers = await signatureHeaders(secret, one, Math.floor(receivedAt.getTime() / 1000));

describe('per request', () => {
  bench('parse + normalize + finalize, 1 native alert', async () => {
    await finalizeAlerts(normalizeNative(JSON.parse(one), { receivedAt }).alerts);
  });
  bench('parse + normalize + finalize, 100 native alerts', async () => {
    await finalizeAlerts(normalizeNative(JSON.parse(hundred), { receivedAt }).alerts);
  });
  bench('parse + normalize + finalize, Alertmanager webhook of 10', async () => {
    await finalizeAlerts(normalizeAlertmanager(JSON.parse(alertmanager), { receivedAt }).alerts);
  });
  bench('HMAC-SHA256 verify, 1-alert body', async () => {
    const r = await verifySignature({
      secrets: [secret],
      timestamp: headers['X-Timestamp'],
      signature: headers['X-Signature'],
      rawBody: oneBytes,
      nowSeconds: Math.floor(receivedAt.getTime() / 1000),
    });
    if (!r.ok) throw new Error('the benchmark signature must verify');
  });
  bench('fingerprint', () => {
    fingerprintOf('NATIVE', 'host-1\ncheck_1');
  });
});
