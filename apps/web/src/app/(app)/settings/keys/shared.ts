// Row types and choices shared by the keys page's sections.
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';

type Out = inferRouterOutputs<AppRouter>['ingest'];
export type Created = Out['keys']['create'];
export type KeyRow = Out['keys']['list'][number];

export const OVERLAPS = [
  { value: '0', label: 'Stop the old key now' },
  { value: '60', label: 'Keep the old key 1 hour' },
  { value: '1440', label: 'Keep the old key 24 hours' },
  { value: '10080', label: 'Keep the old key 7 days' },
];
