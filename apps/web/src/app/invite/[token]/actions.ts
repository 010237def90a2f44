'use server';

import { acceptInvitationAsUser, acceptInvitationWithNewAccount } from '@aw/accounts';
import { getRoot } from '~/server/composition';
import { redirect } from 'next/navigation';
import { auth, signIn, signOut } from '~/server/auth';
import { type FormState, formError } from '~/server/form-errors';

/** The signed-in user accepts: the session is the proof, no password is asked for here. */
export async function acceptAsUserAction(token: string, _prev: FormState): Promise<FormState> {
  const session = await auth();
  if (!session?.user?.id) redirect(`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`);
  try {
    await acceptInvitationAsUser(getRoot().prisma, { token, userId: session.user.id });
  } catch (e) {
    return formError(e);
  }
  redirect('/dashboard');
}

/** A new person creates their account; an address that has one is told to sign in instead. */
export async function createAccountAction(
  token: string,
  _prev: FormState,
  form: FormData,
): Promise<FormState> {
  const password = String(form.get('password') ?? '');
  let email: string;
  try {
    ({ email } = await acceptInvitationWithNewAccount(getRoot().prisma, {
      token,
      name: String(form.get('name') ?? ''),
      password,
    }));
  } catch (e) {
    return formError(e);
  }
  await signIn('credentials', { email, password, redirectTo: '/dashboard' });
  return { error: null };
}

export async function switchAccountAction(token: string): Promise<void> {
  await signOut({ redirectTo: `/invite/${token}` });
}
