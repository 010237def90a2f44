'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '~/components/ui';
import { downloadText } from '~/lib/download';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';

type CsvInput = inferRouterInputs<AppRouter>['compliance']['csv'];

/** Downloads one compliance table as CSV. */
export function CsvButton({ input, label }: { input: CsvInput; label: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        disabled={state.busy}
        aria-label={`Download ${label} CSV`}
        onClick={async () => {
          setState({ busy: true });
          try {
            const out = await qc.fetchQuery(trpc.compliance.csv.queryOptions(input, { staleTime: 0 }));
            downloadText(out.filename, out.csv, 'text/csv');
            setState({ busy: false });
          } catch (e) {
            setState({ busy: false, error: errorText(e) });
          }
        }}
      >
        CSV
      </Button>
      {state.error ? <span className="text-xs text-red-700 dark:text-red-300">{state.error}</span> : null}
    </span>
  );
}
