import 'server-only';
import { isMspStaff, loadViewer, tenantScope, type Viewer } from '@aw/accounts';
import { HTTP_STATUS, isAppError } from '@aw/core/errors';
import type { IncidentChangedEvent } from '@aw/correlation';
import { can, type Permission } from '@aw/core/permissions';
import { withTenant, type PrismaClient } from '@aw/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { AppServices } from './composition';

export interface Context {
  prisma: PrismaClient;
  userId: string | null;
  /** The process's services, from the composition root (tests hand in their own). */
  services: AppServices;
  /** Services that change incidents report the change here (the root's incident listeners). */
  onIncidentChanged?: (e: IncidentChangedEvent) => void | Promise<void>;
}

export async function createContext(opts: {
  userId: string | null;
  services: AppServices;
}): Promise<Context> {
  const { services } = opts;
  return {
    prisma: services.prisma,
    userId: opts.userId,
    services,
    onIncidentChanged: (e) => services.incidentChanged(e, 'portal'),
  };
}

const CODES = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
  500: 'INTERNAL_SERVER_ERROR',
} as const;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
      },
    };
  },
});

/** Maps transport-agnostic AppErrors from services onto tRPC errors: the one place that does. */
const appErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok && isAppError(res.error.cause)) {
    const e = res.error.cause;
    throw new TRPCError({
      code: CODES[HTTP_STATUS[e.code] as keyof typeof CODES],
      message: e.message,
      cause: e,
    });
  }
  return res;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Tier 1: anyone. */
export const publicProcedure = t.procedure.use(appErrors);

/**
 * Tier 2: signed in, with a live membership (re-read from the database on every call). The rest of
 * the call runs walled in by row-level security (`withTenant`, @aw/db) to the viewer's scope: MSP
 * staff to their MSP, a client user to their company (plus the MSP's shared rows, those whose
 * company is NULL: the runbook catalog, MSP-wide policies). Every Prisma query of the procedure sees
 * and writes only those rows, even one whose own tenant filter is missing (docs/SECURITY.md).
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const userId = ctx.userId;
  if (!userId) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
  const viewer = await loadViewer(ctx.prisma, userId);
  if (!viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'your access was removed' });
  const scope = tenantScope(viewer);
  return withTenant({ mspId: scope.mspId, companyId: scope.companyId ?? null }, () =>
    next({ ctx: { ...ctx, userId, viewer, scope } }),
  );
});

/** Tier 3: MSP staff, optionally holding `permission` in the matrix (`@aw/core/permissions`). */
export function mspProcedure(permission?: Permission) {
  return protectedProcedure.use(async ({ ctx, next }) => {
    if (!isMspStaff(ctx.viewer) || (permission && !can(ctx.viewer.membership.role, permission))) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'your role cannot do this' });
    }
    return next({ ctx: { ...ctx, mspId: ctx.viewer.membership.mspId } });
  });
}

export type { Viewer };
