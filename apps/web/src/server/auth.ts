import 'server-only';
import { authenticate } from '@aw/accounts';
import { readEnv } from '@aw/config';
import { getDb } from '@aw/db';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';

class LockedError extends CredentialsSignin {
  override code = 'locked';
}

/**
 * The caller's address for sign-in throttling. Forwarded headers are trusted only behind a proxy
 * that sets them (TRUST_PROXY=true, 1 or yes); otherwise every caller counts as one client.
 */
function clientAddress(request: Request | undefined): string {
  if (!readEnv(['TRUST_PROXY']).TRUST_PROXY || !request) return 'direct';
  const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || request.headers.get('x-real-ip') || 'direct';
}

const ZCredentials = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(256) });

export const { handlers, auth, signIn, signOut } = NextAuth({
  session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
  pages: { signIn: '/sign-in' },
  trustHost: true,
  providers: [
    Credentials({
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw, request) {
        const parsed = ZCredentials.safeParse(raw);
        if (!parsed.success) return null;
        const result = await authenticate(getDb(), parsed.data.email, parsed.data.password, new Date(), {
          client: clientAddress(request),
        });
        if (!result.ok) {
          if (result.reason === 'locked') throw new LockedError();
          return null;
        }
        return result.user;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === 'string') session.user.id = token.uid;
      return session;
    },
  },
});
