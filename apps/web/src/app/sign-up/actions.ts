'use server';
import { readEnv } from '@aw/config';
import { completeSignUp, requestSignUp } from '@aw/accounts';
import { getRoot } from '~/server/composition';
import { z } from 'zod';
import { signIn } from '~/server/auth';
import { type FormState, formError } from '~/server/form-errors';
import { appBaseUrl, backgroundMailer } from '~/server/mail';

const ZSignUp = z.object({
  mspName: z.string().trim().min(2, 'at least 2 characters').max(100),
  name: z.string().trim().min(1, 'required').max(100),
  email: z.string().trim().email('not an email address').max(320),
});

function secret(): string {
  const s = readEnv(['AUTH_SECRET']).AUTH_SECRET;
  if (!s) throw new Error('AUTH_SECRET is not set');
  return s;
}

/**
 * Step one: the same answer for every well-formed address ("check your inbox"). Whether an account
 * exists decides only what the mailbox receives.
 */
export async function signUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = ZSignUp.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return {
      error: 'Please fix the highlighted fields.',
      fields: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])),
    };
  }
  await requestSignUp(getRoot().prisma, parsed.data, {
    mailer: backgroundMailer(),
    baseUrl: appBaseUrl(),
    secret: secret(),
  });
  return { error: null, done: true };
}

/** Step two, from the mailed link: choose the password; the MSP and its owner are created. */
export async function completeSignUpAction(
  token: string,
  _prev: FormState,
  form: FormData,
): Promise<FormState> {
  const password = String(form.get('password') ?? '');
  let email: string;
  try {
    ({ email } = await completeSignUp(getRoot().prisma, { token, password }, { secret: secret() }));
  } catch (e) {
    return formError(e);
  }
  await signIn('credentials', { email, password, redirectTo: '/dashboard' });
  return { error: null };
}
