'use client';

// The states every list and form shows before its data: loading, and a load error with a retry.
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

/** A table's column headings, one per name ('' for an unlabelled column such as the actions). */
export function ColumnHeads({ names }: { names: string[] }) {
  return (
    <thead className="text-xs text-zinc-500 dark:text-zinc-400">
      <tr>
        {names.map((n, i) =>
          n ? (
            <th key={i} scope="col" className="py-1 pr-2 font-normal">
              {n}
            </th>
          ) : (
            <th key={i} scope="col" className="py-1" />
          ),
        )}
      </tr>
    </thead>
  );
}
