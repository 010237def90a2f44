// Test helper: a self-signed certificate standing in for SNS's, and messages signed with it.
import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snsStringToSign, type SnsEnvelope } from '../normalizers/cloudwatch-sns.ts';

export interface FakeSns {
  certPem: string;
  certUrl: string;
  sign(
    m: Omit<SnsEnvelope, 'Signature' | 'SigningCertURL' | 'SignatureVersion'>,
    version?: '1' | '2',
  ): SnsEnvelope;
}

export function createFakeSns(region = 'us-east-1'): FakeSns {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-sns-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=sns.${region}.amazonaws.com`,
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const keyPem = readFileSync(path.join(dir, 'key.pem'), 'utf8');
    const certPem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    const certUrl = `https://sns.${region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`;
    return {
      certPem,
      certUrl,
      sign(m, version = '2') {
        const env = {
          ...m,
          SignatureVersion: version,
          SigningCertURL: certUrl,
          Signature: '',
        } as SnsEnvelope;
        env.Signature = sign(
          version === '1' ? 'sha1' : 'sha256',
          Buffer.from(snsStringToSign(env)),
          keyPem,
        ).toString('base64');
        return env;
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function notification(message: unknown, extra: Partial<SnsEnvelope> = {}) {
  return {
    Type: 'Notification' as const,
    MessageId: extra.MessageId ?? '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:aw-alerts',
    Subject: 'ALARM: "web-01-cpu-high" in US East (N. Virginia)',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2026-11-26T20:45:13.000Z',
    ...extra,
  };
}

export function subscriptionConfirmation(extra: Partial<SnsEnvelope> = {}) {
  return {
    Type: 'SubscriptionConfirmation' as const,
    MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
    Token:
      '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:aw-alerts',
    Message:
      'You have chosen to subscribe to the topic arn:aws:sns:us-east-1:123456789012:aw-alerts.\nTo confirm the subscription, visit the SubscribeURL included in this message.',
    SubscribeURL:
      'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:aw-alerts&Token=2336412f37',
    Timestamp: '2026-11-26T20:40:00.000Z',
    ...extra,
  };
}
