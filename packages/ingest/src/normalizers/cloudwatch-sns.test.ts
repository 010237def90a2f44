import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../fixtures/index.ts';
import { finalizeAlerts } from '../fingerprint.ts';
import {
  createFakeSns,
  notification,
  subscriptionConfirmation,
  type FakeSns,
} from '../testing/sns-signer.ts';
import {
  CertificateUnavailableError,
  isSnsUrl,
  normalizeCloudWatch,
  parseSnsEnvelope,
  SnsVerifier,
  snsStringToSign,
} from './cloudwatch-sns.ts';

const ctx = { receivedAt: new Date('2026-11-26T21:00:00Z') };
let sns: FakeSns;
let fetched: string[];
let verifier: SnsVerifier;

beforeAll(() => {
  sns = createFakeSns();
});

function freshVerifier() {
  fetched = [];
  verifier = new SnsVerifier({
    fetchCertificate: async (url) => {
      fetched.push(url);
      return sns.certPem;
    },
    confirmSubscription: async () => undefined,
  });
  return verifier;
}

describe('SNS signatures', () => {
  it('verifies SignatureVersion 1 and 2 and caches the certificate', async () => {
    freshVerifier();
    const v2 = parseSnsEnvelope(sns.sign(notification(fixture('cloudwatch-alarm')), '2'));
    const v1 = parseSnsEnvelope(sns.sign(notification(fixture('cloudwatch-alarm')), '1'));
    expect(await verifier.verify(v2)).toBe(true);
    expect(await verifier.verify(v1)).toBe(true);
    expect(fetched).toHaveLength(1);
    expect(verifier.cachedCertificates).toBe(1);
  });

  it('rejects a tampered message, a wrong version and a foreign certificate host', async () => {
    freshVerifier();
    const m = parseSnsEnvelope(sns.sign(notification(fixture('cloudwatch-alarm'))));
    expect(await verifier.verify({ ...m, Message: m.Message.replace('ALARM', 'OK') })).toBe(false);
    expect(await verifier.verify({ ...m, SignatureVersion: '1' })).toBe(false);
    for (const url of [
      'http://sns.us-east-1.amazonaws.com/cert.pem',
      'https://sns.us-east-1.amazonaws.com.evil.com/cert.pem',
      'https://evil.com/sns.us-east-1.amazonaws.com/cert.pem',
      'https://sns.us-east-1.amazonaws.com:8443/cert.pem',
      'https://user@sns.us-east-1.amazonaws.com/cert.pem',
      'https://s3.us-east-1.amazonaws.com/cert.pem',
      'https://sns.us-east-1.amazonaws.com/cert.txt',
    ]) {
      expect(await verifier.verify({ ...m, SigningCertURL: url }), url).toBe(false);
    }
    expect(fetched).toEqual([sns.certUrl]); // only the genuine URL was ever fetched
    expect(isSnsUrl('https://sns.eu-central-1.amazonaws.com/x.pem', { pem: true })).toBe(true);
    expect(isSnsUrl('https://sns.us-gov-west-1.amazonaws.com/x.pem', { pem: true })).toBe(true);
  });

  it('rejects a body signed by another key, and treats an unreachable certificate host as transient', async () => {
    const other = createFakeSns();
    freshVerifier();
    const forged = parseSnsEnvelope(other.sign(notification(fixture('cloudwatch-alarm'))));
    expect(await verifier.verify(forged)).toBe(false);
    const down = new SnsVerifier({
      fetchCertificate: async () => {
        throw new Error('ECONNREFUSED');
      },
      confirmSubscription: async () => undefined,
    });
    await expect(down.verify(forged)).rejects.toBeInstanceOf(CertificateUnavailableError);
    expect(down.cachedCertificates).toBe(0);
  });

  it('builds the string to sign for both message kinds', () => {
    const n = parseSnsEnvelope(sns.sign(notification('hi', { Subject: undefined })));
    expect(snsStringToSign(n)).toBe(
      `Message\nhi\nMessageId\n${n.MessageId}\nTimestamp\n${n.Timestamp}\nTopicArn\n${n.TopicArn}\nType\nNotification\n`,
    );
    const s = parseSnsEnvelope(sns.sign(subscriptionConfirmation()));
    expect(snsStringToSign(s)).toContain(`SubscribeURL\n${s.SubscribeURL}\nTimestamp\n`);
    expect(snsStringToSign(s)).toContain(`Token\n${s.Token}\nTopicArn\n`);
  });

  it('rejects malformed envelopes with the field', () => {
    expect(() => parseSnsEnvelope({ Type: 'Nope' })).toThrowError(/invalid payload/);
    try {
      parseSnsEnvelope({ ...notification('x'), SignatureVersion: '3', Signature: 'a', SigningCertURL: 'b' });
    } catch (e) {
      expect((e as { problems: unknown[] }).problems[0]).toMatchObject({ field: 'SignatureVersion' });
    }
  });
});

describe('CloudWatch alarms', () => {
  it('maps ALARM and OK onto firing and resolved of one fingerprint', async () => {
    const alarm = fixture('cloudwatch-alarm');
    const a = normalizeCloudWatch(parseSnsEnvelope(sns.sign(notification(alarm))), ctx);
    expect(a.alerts[0]).toMatchObject({
      source: 'CLOUDWATCH',
      asset: 'i-0abc123def4567890',
      signature: 'web-01-cpu-high',
      status: 'FIRING',
      severity: 'HIGH',
      service: 'AWS/EC2',
      labels: { dimension_InstanceId: 'i-0abc123def4567890', metric: 'CPUUtilization' },
    });
    expect(a.alerts[0]!.occurredAt.toISOString()).toBe('2026-11-26T20:45:12.345Z');
    const ok = normalizeCloudWatch(
      parseSnsEnvelope(
        sns.sign(
          notification({ ...alarm, NewStateValue: 'OK', StateChangeTime: '2026-11-26T21:05:00.000+0000' }),
        ),
      ),
      ctx,
    );
    expect(ok.alerts[0]!.status).toBe('RESOLVED');
    const [fa, fo] = await finalizeAlerts([a.alerts[0]!, ok.alerts[0]!]);
    expect(fa!.fingerprint).toBe(fo!.fingerprint);
  });

  it('ignores INSUFFICIENT_DATA and rejects non-alarm messages', () => {
    const alarm = fixture('cloudwatch-alarm');
    expect(
      normalizeCloudWatch(
        parseSnsEnvelope(sns.sign(notification({ ...alarm, NewStateValue: 'INSUFFICIENT_DATA' }))),
        ctx,
      ).alerts,
    ).toHaveLength(0);
    expect(() =>
      normalizeCloudWatch(parseSnsEnvelope(sns.sign(notification('plain text'))), ctx),
    ).toThrowError(/invalid payload/);
    expect(() =>
      normalizeCloudWatch(
        parseSnsEnvelope(sns.sign(notification({ ...alarm, StateChangeTime: 'later' }))),
        ctx,
      ),
    ).toThrowError(/invalid payload/);
  });
});
