import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { auth } from '~/server/auth';
import { getRoot } from '~/server/composition';
import { appRouter } from '~/server/root';
import { createContext } from '~/server/trpc';

export const runtime = 'nodejs';

const handler = async (req: Request) => {
  const session = await auth();
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext({ userId: session?.user?.id ?? null, services: getRoot() }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path}:`, error);
    },
  });
};

export { handler as GET, handler as POST };
