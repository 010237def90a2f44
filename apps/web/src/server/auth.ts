import 'server-only';
import { authenticate, clientAddress, privateNetworks } from '@aw/accounts';
import { readEnv } from '@aw/config';
import { getRoot } from './composition';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';

class LockedError extends CredentialsSignin {
  override code = 'locked';
}

const trustedProxies = readEnv(['TRUST_PROXY']).TRUST_PROXY ? privateNetworks() : null;

/**
 * The caller's address for sign-in throttling: the TCP peer, which apps/web/server.mjs writes into
 * its own header on every request (overwriting whatever the client sent). With TRUST_PROXY=true the
 * right-most X-Forwarded-For hop that is not a private-network proxy (see client-address.ts).
 */
function requestClient(request: Request | undefined): string {
  const header = process.env.AW_SOCKET_ADDRESS_HEADER;
  if (!header || !request) return 'unknown';
  return clientAddress({
    socketAddress: request.headers.get(header) ?? undefined,
    forwardedFor: request.headers.get('x-forwarded-for'),
    trustedProxies,
  });
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
        const result = await authenticate(
          getRoot().prisma,
          parsed.data.email,
          parsed.data.password,
          new Date(),
          {
            client: requestClient(request),
          },
        );
        if (!result.ok) {
          if (result.reason === 'locked') throw new LockedError();
          return null;
        }
        return result.user;
      },
    }),
  ],
  callbacks: {
    /**
     * Runs on every session read. The token carries the user's session version; a password reset
     * or a removed membership bumps it in the database, and a token with an older one (or of a
     * disabled or deleted user) is no session at all.
     */
    async jwt({ token, user }) {
      if (user?.id) {
        token.uid = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        return token;
      }
      if (typeof token.uid !== 'string' || typeof token.sv !== 'number') return null;
      const current = await getRoot().prisma.user.findUnique({
        where: { id: token.uid },
        select: { sessionVersion: true, disabled: true },
      });
      if (!current || current.disabled || current.sessionVersion !== token.sv) return null;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === 'string') session.user.id = token.uid;
      return session;
    },
  },
});
