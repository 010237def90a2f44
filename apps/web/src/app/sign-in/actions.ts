'use server';

import { AuthError } from 'next-auth';
import { signIn } from '~/server/auth';

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
      redirectTo: '/dashboard',
    });
    return { error: null, email };
  } catch (e) {
    if (e instanceof AuthError) {
      const code = (e as AuthError & { code?: string }).code;
      return {
        email,
        error:
          code === 'locked'
            ? 'Too many failed attempts. This account is locked for 15 minutes.'
            : 'That email and password do not match an account.',
      };
    }
    throw e; // the redirect on success is thrown as well
  }
}
