'use server';

import { AuthError } from 'next-auth';
import { signIn } from '~/server/auth';
import { safeNext } from '~/server/safe-next';

export interface SignInState {
  error: string | null;
  email: string;
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '');
  try {
    await signIn('credentials', {
      email,
      password: String(form.get('password') ?? ''),
      redirectTo: safeNext(form.get('next')),
    });
    return { error: null, email };
  } catch (e) {
    if (e instanceof AuthError) {
      const code = (e as AuthError & { code?: string }).code;
      return {
        email,
        error:
          code === 'locked'
            ? 'Too many failed attempts from this device. Try again in 15 minutes, or reset your password.'
            : 'That email and password do not match an account.',
      };
    }
    throw e; // the redirect on success is thrown as well
  }
}
