'use client';

// Loading and load-error states shared by the suppression sections.
import { ErrorNote, Skeleton } from '~/components/ui';
import { errorText } from '~/lib/error-text';

export function Loading() {
  return (
    <div className="space-y-2" aria-busy="true">
      <Skeleton className="h-8" />
      <Skeleton className="h-8" />
    </div>
  );
}

export function LoadError({ what, error, retry }: { what: string; error: unknown; retry: () => void }) {
  return (
    <ErrorNote>
      Could not load {what}: {errorText(error)}.{' '}
      <button type="button" className="underline" onClick={retry}>
        Try again
      </button>
    </ErrorNote>
  );
}
