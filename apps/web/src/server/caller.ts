import 'server-only';
import { cache } from 'react';
import { auth } from './auth';
import { getRoot } from './composition';
import { createCaller } from './root';
import { createContext } from './trpc';

/** tRPC caller for server components: same procedures, same tenancy checks as the HTTP API. */
export const serverApi = cache(async () => {
  const session = await auth();
  return createCaller(await createContext({ userId: session?.user?.id ?? null, services: getRoot() }));
});

/** The signed-in person with a live membership, or null (no session, or access removed). */
export const currentViewer = cache(async () => {
  const api = await serverApi();
  return api.viewer.me().catch(() => null);
});
