import { createHmac } from 'node:crypto';
import { timingSafeEqualStr } from '@aw/core/crypto';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import type { Mailer } from './mail.ts';
import { signUp } from './signup.ts';

export const SIGNUP_LINK_HOURS = 24;

export interface SignUpRequestInput {
  mspName: string;
  name: string;
  email: string;
}

interface TPayload {
  m: string;
  n: string;
  e: string;
  x: number;
}

function isPayload(v: unknown): v is TPayload {
  const p = v as Partial<TPayload> | null;
  return (
    !!p &&
    typeof p.m === 'string' &&
    typeof p.n === 'string' &&
    typeof p.e === 'string' &&
    typeof p.x === 'number'
  );
}

function sign(body: string, secret: string): string {
  return createHmac('sha256', `signup|${secret}`).update(body).digest('base64url');
}

/**
 * The confirmation link carries the sign-up itself, signed with the app secret: nothing is stored
 * until the mailbox owner opens it, and a link used once cannot create a second account (the
 * email is unique).
 */
export function signUpToken(input: SignUpRequestInput, secret: string, expiresAt: Date): string {
  const payload: TPayload = {
    m: input.mspName.trim(),
    n: input.name.trim(),
    e: input.email,
    x: expiresAt.getTime(),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(body, secret)}`;
}

/** The sign-up a link stands for, or null when it is forged, malformed or expired. */
export function readSignUpToken(token: string, secret: string, now = new Date()): SignUpRequestInput | null {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined || !timingSafeEqualStr(mac, sign(body, secret))) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!isPayload(payload) || payload.x <= now.getTime()) return null;
  return { mspName: payload.m, name: payload.n, email: payload.e };
}

/**
 * Step one of signing up. The answer is the same whether or not the address has an account: the
 * mailbox gets either a link to finish creating the workspace or a note that an account exists
 * (with the sign-in and reset links). Only the mailbox owner learns which.
 */
export async function requestSignUp(
  prisma: PrismaClient,
  input: SignUpRequestInput,
  opts: { mailer: Mailer; baseUrl: string; secret: string; now?: Date },
): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const base = opts.baseUrl.replace(/\/$/, '');
  const now = opts.now ?? new Date();
  const existing = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) {
    await opts.mailer.send({
      to: email,
      subject: 'Your Alert Whisperer account',
      text:
        'Someone (maybe you) tried to create an Alert Whisperer workspace with this address, which ' +
        `already has an account. Sign in: ${base}/sign-in\nForgot the password? ${base}/forgot-password\n` +
        'If this was not you, ignore this mail.',
    });
    return;
  }
  const token = signUpToken(
    { ...input, email },
    opts.secret,
    new Date(now.getTime() + SIGNUP_LINK_HOURS * 3_600_000),
  );
  await opts.mailer.send({
    to: email,
    subject: 'Finish creating your Alert Whisperer workspace',
    text: `Choose your password to create "${input.mspName.trim()}" (link valid ${SIGNUP_LINK_HOURS} hours):\n${base}/sign-up/${token}`,
  });
}

/** Step two: the mailbox owner chose a password; the MSP and its owner are created. */
export async function completeSignUp(
  prisma: PrismaClient,
  input: { token: string; password: string },
  opts: { secret: string; now?: Date },
) {
  const request = readSignUpToken(input.token, opts.secret, opts.now);
  if (!request) throw new AppError('NOT_FOUND', 'this sign-up link is invalid or expired');
  try {
    const created = await signUp(prisma, { ...request, password: input.password });
    return { ...created, email: request.email };
  } catch (e) {
    if ((e as { code?: string }).code === 'CONFLICT' || (e as { code?: string }).code === 'P2002')
      throw new AppError('NOT_FOUND', 'this sign-up link was already used: sign in instead');
    throw e;
  }
}
