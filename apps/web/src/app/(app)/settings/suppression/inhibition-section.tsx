'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import { asMatchers, type Matcher, MatcherEditor, matcherProblem, matcherText } from './matchers';
import { LoadError, Loading } from '~/components/load-state';
import { EditDeleteButtons } from '~/components/row-actions';
import type { RuleRow } from './rows';

interface RuleForm {
  id?: string;
  name: string;
  source: Matcher[];
  target: Matcher[];
  equal: string;
  enabled: boolean;
}

const newRule = (): RuleForm => ({
  name: '',
  source: [{ field: 'signature', op: '=', value: 'host_down' }],
  target: [{ field: 'signature', op: '!=', value: 'host_down' }],
  equal: 'asset',
  enabled: true,
});

export function InhibitionSection({ company, canEdit }: { company: ScopedCompany; canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.correlation.inhibitionRules.queryOptions({ companyId: company.id }));
  const refresh = () =>
    qc.invalidateQueries({ queryKey: trpc.correlation.inhibitionRules.queryKey({ companyId: company.id }) });
  const [form, setForm] = useState<RuleForm | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const save = useMutation(
    trpc.correlation.saveInhibitionRule.mutationOptions({
      onSuccess: async (row) => {
        setNote(`Inhibition rule “${row.name}” saved.`);
        setForm(null);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.correlation.deleteInhibitionRule.mutationOptions({
      onSuccess: async () => {
        setNote('Inhibition rule deleted.');
        await refresh();
      },
    }),
  );
  const toInput = (r: RuleRow | RuleForm, enabled?: boolean) => {
    const isRow = 'sourceMatchers' in r;
    return {
      companyId: company.id,
      id: r.id,
      name: r.name,
      sourceMatchers: isRow ? asMatchers(r.sourceMatchers) : r.source,
      targetMatchers: isRow ? asMatchers(r.targetMatchers) : r.target,
      equal: isRow
        ? r.equal
        : r.equal
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
      enabled: enabled ?? r.enabled,
    };
  };
  return (
    <Card>
      <SectionTitle
        aside={
          canEdit && !form ? (
            <Button
              onClick={() => {
                setNote(null);
                setProblem(null);
                setForm(newRule());
              }}
            >
              New inhibition rule
            </Button>
          ) : null
        }
      >
        Inhibition rules
      </SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        While a source alert fires, target alerts with the same values of the “equal” fields are inhibited
        (for example host_down hides every other alert of that asset).
      </p>
      <div aria-live="polite">{note ? <LiveNote>{note}</LiveNote> : null}</div>
      {form ? (
        <form
          aria-label={form.id ? 'Edit inhibition rule' : 'New inhibition rule'}
          className="mb-4 space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!form.name.trim()) return setProblem('Give the rule a name.');
            const mp = matcherProblem(form.source, true) ?? matcherProblem(form.target, true);
            if (mp) return setProblem(mp);
            setProblem(null);
            save.mutate(toInput(form));
          }}
        >
          <Field
            id="ir-name"
            label="Name"
            required
            maxLength={200}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            placeholder="Host down hides its services"
          />
          <MatcherEditor
            legend="Source matchers"
            value={form.source}
            onChange={(source) => setForm({ ...form, source })}
            required
          />
          <MatcherEditor
            legend="Target matchers"
            value={form.target}
            onChange={(target) => setForm({ ...form, target })}
            required
          />
          <Field
            id="ir-equal"
            label="Equal fields"
            hint="Comma-separated: source and target must share these values, e.g. asset, label:cluster."
            value={form.equal}
            onChange={(e) => setForm({ ...form, equal: e.target.value })}
            className="font-mono"
          />
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="h-4 w-4 accent-indigo-600"
              checked={form.enabled}
              onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
            />
            Enabled
          </label>
          {problem ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {problem}
            </p>
          ) : null}
          {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save rule'}
            </Button>
            <Button variant="ghost" onClick={() => setForm(null)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <LoadError what="inhibition rules" error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No inhibition rules">
          {canEdit ? 'Add one so a host outage does not open an incident for every service on it.' : null}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Inhibition rules">
          {list.data.map((r) => (
            <li key={r.id} className="space-y-1 py-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p className="font-medium">
                  {r.name}{' '}
                  <Badge tone={r.enabled ? 'green' : 'zinc'}>{r.enabled ? 'Enabled' : 'Disabled'}</Badge>
                </p>
                {canEdit ? (
                  <div className="flex gap-1">
                    <Button
                      variant="ghost"
                      aria-label={`${r.enabled ? 'Disable' : 'Enable'} ${r.name}`}
                      disabled={save.isPending}
                      onClick={() => save.mutate(toInput(r, !r.enabled))}
                    >
                      {r.enabled ? 'Disable' : 'Enable'}
                    </Button>
                    <EditDeleteButtons
                      name={r.name}
                      what="inhibition rule"
                      deleting={remove.isPending}
                      onDelete={() => remove.mutate({ companyId: company.id, id: r.id })}
                      onEdit={() =>
                        setForm({
                          id: r.id,
                          name: r.name,
                          source: asMatchers(r.sourceMatchers),
                          target: asMatchers(r.targetMatchers),
                          equal: r.equal.join(', '),
                          enabled: r.enabled,
                        })
                      }
                    />
                  </div>
                ) : null}
              </div>
              <p className="break-all font-mono text-xs text-zinc-600 dark:text-zinc-400">
                when {matcherText(asMatchers(r.sourceMatchers))} fires, inhibit{' '}
                {matcherText(asMatchers(r.targetMatchers))}
                {r.equal.length ? ` with equal ${r.equal.join(', ')}` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      {remove.isError ? <ErrorNote>Not deleted: {errorText(remove.error)}</ErrorNote> : null}
    </Card>
  );
}
