import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';

type Out = inferRouterOutputs<AppRouter>['correlation'];
export type WindowRow = Out['maintenanceWindows'][number];
export type RuleRow = Out['inhibitionRules'][number];
