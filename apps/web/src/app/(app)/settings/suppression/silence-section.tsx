'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Select } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, SectionTitle, TextArea } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { formatDateTime } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { asMatchers, type Matcher, MatcherEditor, matcherProblem, matcherText } from './matchers';
import { LoadError, Loading } from '~/components/load-state';

const SILENCE_DURATIONS = [
  { value: '60', label: '1 hour' },
  { value: '240', label: '4 hours' },
  { value: '1440', label: '24 hours' },
  { value: '10080', label: '7 days' },
];

export function SilenceSection({ company, canEdit }: { company: ScopedCompany; canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [showExpired, setShowExpired] = useState(false);
  const input = { companyId: company.id, includeExpired: showExpired };
  const list = useQuery(trpc.correlation.silences.queryOptions(input));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.correlation.silences.queryKey() });
  const [open, setOpen] = useState(false);
  const [matchers, setMatchers] = useState<Matcher[]>([{ field: 'asset', op: '=', value: '' }]);
  const [duration, setDuration] = useState('240');
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const create = useMutation(
    trpc.correlation.createSilence.mutationOptions({
      onSuccess: async (row) => {
        setNote(`Silence created until ${formatDateTime(row.endsAt)}.`);
        setOpen(false);
        setMatchers([{ field: 'asset', op: '=', value: '' }]);
        setComment('');
        await refresh();
      },
    }),
  );
  const expire = useMutation(
    trpc.correlation.expireSilence.mutationOptions({
      onSuccess: async () => {
        setNote('Silence expired: matching alerts open incidents again.');
        await refresh();
      },
    }),
  );
  return (
    <Card>
      <SectionTitle
        aside={
          canEdit && !open ? (
            <Button
              onClick={() => {
                setNote(null);
                setOpen(true);
              }}
            >
              New silence
            </Button>
          ) : null
        }
      >
        Silences
      </SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Mute known noise for a while; a silence ends by itself, or expire it early.
      </p>
      <div aria-live="polite">{note ? <LiveNote>{note}</LiveNote> : null}</div>
      {open ? (
        <form
          aria-label="New silence"
          className="mb-4 space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const mp =
              matcherProblem(matchers, true) ??
              (matchers.some((m) => !m.value) ? 'Fill in every value.' : null);
            if (mp) return setProblem(mp);
            setProblem(null);
            create.mutate({
              companyId: company.id,
              matchers,
              endsAt: new Date(Date.now() + Number(duration) * 60_000),
              comment: comment.trim(),
            });
          }}
        >
          <MatcherEditor legend="Silence matchers" value={matchers} onChange={setMatchers} required />
          <Select
            id="silence-duration"
            label="Duration"
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
          >
            {SILENCE_DURATIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </Select>
          <TextArea
            id="silence-comment"
            label="Comment"
            hint="Why, and who to ask. Shown to technicians."
            rows={2}
            maxLength={1000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          {problem ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {problem}
            </p>
          ) : null}
          {create.isError ? <ErrorNote>Not created: {errorText(create.error)}</ErrorNote> : null}
          <div className="flex gap-2">
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create silence'}
            </Button>
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      <label className="mb-2 flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          className="h-4 w-4 accent-indigo-600"
          checked={showExpired}
          onChange={(e) => setShowExpired(e.target.checked)}
        />
        Show expired silences
      </label>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <LoadError what="silences" error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title={showExpired ? 'No silences yet' : 'No active silences'}>
          {canEdit ? 'Create one to mute a noisy check for a few hours.' : null}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Silences">
          {list.data.map((s) => {
            const active = new Date(s.endsAt).getTime() > Date.now();
            return (
              <li key={s.id} className="flex flex-wrap items-start justify-between gap-2 py-3">
                <div className="min-w-0">
                  <p className="break-all font-mono text-xs">{matcherText(asMatchers(s.matchers))}</p>
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">
                    <Badge tone={active ? 'green' : 'zinc'}>{active ? 'Active' : 'Expired'}</Badge>{' '}
                    {active ? 'until' : 'ended'} {formatDateTime(s.endsAt)}
                    {s.comment ? ` · ${s.comment}` : ''}
                  </p>
                </div>
                {canEdit && active ? (
                  <Button
                    variant="secondary"
                    aria-label={`Expire silence ${matcherText(asMatchers(s.matchers))}`}
                    disabled={expire.isPending}
                    onClick={() => expire.mutate({ companyId: company.id, id: s.id })}
                  >
                    Expire now
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {expire.isError ? <ErrorNote>Not expired: {errorText(expire.error)}</ErrorNote> : null}
    </Card>
  );
}
