import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';

type Out = inferRouterOutputs<AppRouter>['aws'];
export type Onboarding = Out['onboarding'];
export type CreatedActivation = Out['activations']['create'];
