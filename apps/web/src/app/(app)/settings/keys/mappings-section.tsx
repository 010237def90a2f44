'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Field, Skeleton } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, SectionTitle, TextArea } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useDebounced } from '~/lib/hooks';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { buildPaths, PATH_FIELDS, type PathKey, SAMPLE, START_MAPS, START_PATHS } from './mapping-form';

export function Mappings({ company, canManage }: { company: ScopedCompany; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.ingest.mappings.list.queryOptions({ companyId: company.id }));
  const refresh = () =>
    qc.invalidateQueries({ queryKey: trpc.ingest.mappings.list.queryKey({ companyId: company.id }) });
  const [name, setName] = useState('');
  const [paths, setPaths] = useState<Record<PathKey, string>>(START_PATHS);
  const [maps, setMaps] = useState(START_MAPS);
  const [sample, setSample] = useState(SAMPLE);
  const [note, setNote] = useState<string | null>(null);
  const built = buildPaths(paths, maps);
  let sampleValue: unknown = undefined;
  let sampleError: string | null = null;
  try {
    sampleValue = JSON.parse(sample);
  } catch {
    sampleError = 'The sample is not valid JSON.';
  }
  // Debounced on the serialized input: a string compares by value, so typing pauses settle once.
  const previewKey = useDebounced(
    built.paths && !sampleError ? JSON.stringify({ paths: built.paths, sample: sampleValue }) : null,
    350,
  );
  const previewInput = previewKey
    ? {
        companyId: company.id,
        ...(JSON.parse(previewKey) as { paths: Record<string, unknown>; sample: unknown }),
      }
    : null;
  const preview = useQuery({
    ...trpc.ingest.mappings.preview.queryOptions(
      previewInput ?? { companyId: company.id, paths: {}, sample: null },
    ),
    enabled: previewInput !== null,
    placeholderData: (p) => p,
  });
  const save = useMutation(
    trpc.ingest.mappings.save.mutationOptions({
      onSuccess: async (m) => {
        setNote(`Mapping “${m.name}” saved. Send to /api/v1/webhooks/generic?mapping=${m.name}`);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.ingest.mappings.delete.mutationOptions({
      onSuccess: async () => {
        setNote('Mapping deleted.');
        await refresh();
      },
    }),
  );
  const load = (m: { name: string; paths: unknown }) => {
    const p = (m.paths ?? {}) as Record<string, unknown>;
    const next = { ...START_PATHS };
    for (const f of PATH_FIELDS) next[f.key] = typeof p[f.key] === 'string' ? (p[f.key] as string) : '';
    setPaths(next);
    const vm: Record<string, unknown> = {};
    if (p.severityMap) vm.severityMap = p.severityMap;
    if (p.statusMap) vm.statusMap = p.statusMap;
    setMaps(Object.keys(vm).length ? JSON.stringify(vm, null, 2) : '');
    setName(m.name);
    setNote(null);
  };

  return (
    <Card>
      <SectionTitle>Generic payload mappings</SectionTitle>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        For senders with their own JSON (Datadog, Zabbix, scripts): say where asset, signature and the rest
        are in the payload, e.g. <code className="font-mono">host.name</code>,{' '}
        <code className="font-mono">tags[0]</code>, or a literal like{' '}
        <code className="font-mono">=critical</code>. The preview shows what a sample becomes.
      </p>
      {list.isSuccess && list.data.length > 0 ? (
        <ul className="mb-4 flex flex-wrap gap-2" aria-label="Saved mappings">
          {list.data.map((m) => (
            <li
              key={m.id}
              className="flex items-center gap-1 rounded-md border border-zinc-200 px-2 py-1 text-sm dark:border-zinc-800"
            >
              <span className="font-mono">{m.name}</span>
              <Button
                variant="ghost"
                className="px-1.5 py-0.5"
                aria-label={`Open mapping ${m.name}`}
                onClick={() => load(m)}
              >
                Open
              </Button>
              {canManage ? (
                <Button
                  variant="ghost"
                  className="px-1.5 py-0.5"
                  aria-label={`Delete mapping ${m.name}`}
                  onClick={() => {
                    if (confirm(`Delete the mapping “${m.name}”? Senders using it get 400 responses.`))
                      remove.mutate({ companyId: company.id, name: m.name });
                  }}
                >
                  Delete
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : list.isSuccess ? (
        <p className="mb-4 text-sm text-zinc-500 dark:text-zinc-400">
          No saved mappings yet: start from the example below.
        </p>
      ) : list.isError ? (
        <ErrorNote>Could not load mappings: {errorText(list.error)}</ErrorNote>
      ) : (
        <Skeleton className="mb-4 h-8" />
      )}
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <form
          aria-label="Mapping"
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!built.paths || !canManage) return;
            save.mutate({ companyId: company.id, name: name.trim(), paths: built.paths });
          }}
        >
          <fieldset disabled={!canManage} className="min-w-0 space-y-3">
            <Field
              id="mapping-name"
              label="Mapping name"
              hint="Letters, digits, . _ - (used as ?mapping=<name>)"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="font-mono"
            />
            <div className="grid gap-3 sm:grid-cols-2">
              {PATH_FIELDS.map((f) => (
                <Field
                  key={f.key}
                  id={`mapping-${f.key}`}
                  label={f.label}
                  placeholder={f.placeholder}
                  hint={'hint' in f ? f.hint : undefined}
                  required={'required' in f}
                  value={paths[f.key]}
                  onChange={(e) => setPaths({ ...paths, [f.key]: e.target.value })}
                  className="font-mono"
                />
              ))}
            </div>
            <TextArea
              id="mapping-maps"
              label="Value maps (JSON)"
              hint='Sender words to ours: {"severityMap": {"P1": "critical"}, "statusMap": {"OK": "resolved"}}'
              rows={5}
              value={maps}
              onChange={(e) => setMaps(e.target.value)}
              error={built.error}
            />
          </fieldset>
          {canManage ? (
            <Button type="submit" disabled={save.isPending || !built.paths || !name.trim()}>
              {save.isPending ? 'Saving…' : 'Save mapping'}
            </Button>
          ) : null}
          {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
          <div aria-live="polite">{note ? <LiveNote>{note}</LiveNote> : null}</div>
        </form>
        <div className="space-y-3">
          <TextArea
            id="mapping-sample"
            label="Sample payload (JSON)"
            rows={10}
            value={sample}
            onChange={(e) => setSample(e.target.value)}
            error={sampleError}
          />
          <div aria-live="polite" aria-busy={preview.isFetching}>
            <h3 className="mb-1 text-sm font-medium">Preview</h3>
            {!previewInput ? (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">
                Fix the mapping or sample to see a preview.
              </p>
            ) : preview.isError ? (
              <ErrorNote>Preview failed: {errorText(preview.error)}</ErrorNote>
            ) : !preview.data ? (
              <Skeleton className="h-20" />
            ) : preview.data.ok ? (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-xs">
                  <caption className="sr-only">Alerts the sample becomes</caption>
                  <thead className="text-zinc-500 dark:text-zinc-400">
                    <tr>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Asset
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Signature
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Severity
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Status
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Kind
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Occurred
                      </th>
                      <th scope="col" className="py-1 pr-2 font-normal">
                        Summary
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.data.alerts.map((a, i) => (
                      <tr key={i} className="border-t border-zinc-100 dark:border-zinc-800">
                        <td className="py-1 pr-2 font-mono">{a.asset}</td>
                        <td className="py-1 pr-2 font-mono">{a.signature}</td>
                        <td className="py-1 pr-2">{a.severity}</td>
                        <td className="py-1 pr-2">{a.status}</td>
                        <td className="py-1 pr-2">{a.kind ? a.kind.toLowerCase() : 'default'}</td>
                        <td className="py-1 pr-2">{formatDateTime(a.occurredAt)}</td>
                        <td className="py-1 pr-2">{a.summary}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <ul className="space-y-1 text-sm text-red-700 dark:text-red-300">
                {preview.data.problems.map((p, i) => (
                  <li key={i}>
                    <span className="font-mono">{p.field}</span>: {p.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </div>
      {remove.isError ? <ErrorNote>Not deleted: {errorText(remove.error)}</ErrorNote> : null}
    </Card>
  );
}
