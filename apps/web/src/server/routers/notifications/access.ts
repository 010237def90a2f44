import type { PrismaClient } from '@aw/db';
import type { NotificationDeps } from '@aw/notifications';

type Services = { notifications: NotificationDeps };

/** Settings changes need the database, the key and the destination rules (https, SSRF guard). */
export const settingsDeps = (services: Services, prisma: PrismaClient) => {
  const n = services.notifications;
  return {
    prisma,
    encryptionKey: n.encryptionKey,
    allowHttp: n.allowHttp,
    allowPrivateNetworks: n.allowPrivateNetworks,
    resolveHost: n.resolveHost,
  };
};
/** Sending needs the whole set. */
export const sendingDeps = (services: Services, prisma: PrismaClient): NotificationDeps => ({
  ...services.notifications,
  prisma,
});
