'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Select } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { fromLocalInput, toLocalInput } from '~/lib/format';
import { useTRPC } from '~/trpc/react';
import { asMatchers, MatcherEditor, matcherProblem, matcherText } from './matchers';
import { LoadError, Loading } from '~/components/load-state';
import { EditDeleteButtons } from '~/components/row-actions';
import {
  DAYS,
  describeWindow,
  newWindowForm,
  type Recurrence,
  type WindowForm,
  windowState,
  windowToForm,
} from './maintenance-form';

export function MaintenanceSection({ company, canEdit }: { company: ScopedCompany; canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.correlation.maintenanceWindows.queryOptions({ companyId: company.id }));
  const refresh = () =>
    qc.invalidateQueries({
      queryKey: trpc.correlation.maintenanceWindows.queryKey({ companyId: company.id }),
    });
  const [form, setForm] = useState<WindowForm | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const save = useMutation(
    trpc.correlation.saveMaintenanceWindow.mutationOptions({
      onSuccess: async (row) => {
        setNote(`Maintenance window “${row.name}” ${form?.id ? 'updated' : 'created'}.`);
        setForm(null);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.correlation.deleteMaintenanceWindow.mutationOptions({
      onSuccess: async () => {
        setNote('Maintenance window deleted.');
        await refresh();
      },
    }),
  );
  const set = <K extends keyof WindowForm>(k: K, v: WindowForm[K]) =>
    setForm((f) => (f ? { ...f, [k]: v } : f));

  const submit = () => {
    if (!form) return;
    const name = form.name.trim();
    if (!name) return setProblem('Give the window a name.');
    const mp = matcherProblem(form.matchers, false);
    if (mp) return setProblem(mp);
    const startsAt = fromLocalInput(form.startsAt);
    const endsAt = fromLocalInput(form.endsAt);
    if (!startsAt || !endsAt) return setProblem('Enter a start and an end.');
    if (endsAt <= startsAt) return setProblem('The end must be after the start.');
    let recurrence: Recurrence | null = null;
    if (form.kind !== 'once') {
      const duration = Number(form.durationMinutes);
      if (!Number.isInteger(duration) || duration < 1 || duration > 10_080)
        return setProblem('Duration: a whole number of minutes from 1 to 10080.');
      if (form.kind === 'weekly') {
        if (!form.days.length) return setProblem('Pick at least one day.');
        if (!/^\d{1,2}:\d{2}$/.test(form.start)) return setProblem('Start time as HH:MM.');
        recurrence = {
          kind: 'weekly',
          days: [...form.days].sort(),
          start: form.start,
          durationMinutes: duration,
        };
      } else {
        if (form.expr.trim().split(/\s+/).length !== 5)
          return setProblem('Cron: five fields (minute hour day-of-month month day-of-week).');
        recurrence = { kind: 'cron', expr: form.expr.trim(), durationMinutes: duration };
      }
    }
    setProblem(null);
    save.mutate({
      companyId: company.id,
      id: form.id,
      name,
      matchers: form.matchers,
      startsAt,
      endsAt,
      recurrence,
      timezone: form.timezone.trim() || 'UTC',
    });
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
                setForm(newWindowForm());
              }}
            >
              New maintenance window
            </Button>
          ) : null
        }
      >
        Maintenance windows
      </SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Planned work: matching alerts are suppressed while a window is active, once or every week.
      </p>
      <div aria-live="polite">{note ? <LiveNote>{note}</LiveNote> : null}</div>
      {form ? (
        <form
          aria-label={form.id ? 'Edit maintenance window' : 'New maintenance window'}
          className="mb-6 space-y-4 rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <h3 className="font-medium">{form.id ? 'Edit maintenance window' : 'New maintenance window'}</h3>
          <div className="grid gap-4 sm:grid-cols-2 [&>*]:min-w-0">
            <Field
              id="mw-name"
              label="Name"
              required
              maxLength={200}
              value={form.name}
              onChange={(e) => set('name', e.target.value)}
              placeholder="Patch night"
            />
            <Select
              id="mw-kind"
              label="Repeats"
              value={form.kind}
              onChange={(e) => {
                const kind = e.target.value as WindowForm['kind'];
                // a recurring window applies for months, a one-off for hours: adjust the default end
                const start = fromLocalInput(form.startsAt) ?? new Date();
                const span = kind === 'once' ? 2 * 3_600_000 : 365 * 86_400_000;
                setForm({
                  ...form,
                  kind,
                  endsAt: form.id ? form.endsAt : toLocalInput(new Date(start.getTime() + span)),
                });
              }}
            >
              <option value="once">One-off</option>
              <option value="weekly">Weekly</option>
              <option value="cron">Cron expression</option>
            </Select>
            <Field
              id="mw-starts"
              label={form.kind === 'once' ? 'Starts' : 'Applies from'}
              type="datetime-local"
              required
              value={form.startsAt}
              onChange={(e) => set('startsAt', e.target.value)}
            />
            <Field
              id="mw-ends"
              label={form.kind === 'once' ? 'Ends' : 'Applies until'}
              type="datetime-local"
              required
              value={form.endsAt}
              onChange={(e) => set('endsAt', e.target.value)}
            />
          </div>
          {form.kind === 'weekly' ? (
            <fieldset className="min-w-0">
              <legend className="text-sm font-medium">Days</legend>
              <div className="mt-1 flex flex-wrap gap-3">
                {DAYS.map((d, i) => (
                  <label key={d} className="flex items-center gap-1 text-sm">
                    <input
                      type="checkbox"
                      className="h-4 w-4 accent-indigo-600"
                      checked={form.days.includes(i)}
                      onChange={(e) =>
                        set('days', e.target.checked ? [...form.days, i] : form.days.filter((x) => x !== i))
                      }
                    />
                    {d}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          {form.kind !== 'once' ? (
            <div className="grid gap-4 sm:grid-cols-3">
              {form.kind === 'weekly' ? (
                <Field
                  id="mw-start"
                  label="Start time"
                  type="time"
                  required
                  value={form.start}
                  onChange={(e) => set('start', e.target.value)}
                />
              ) : (
                <Field
                  id="mw-expr"
                  label="Cron expression"
                  hint="minute hour day-of-month month day-of-week"
                  value={form.expr}
                  onChange={(e) => set('expr', e.target.value)}
                  className="font-mono"
                />
              )}
              <Field
                id="mw-duration"
                label="Duration (minutes)"
                type="number"
                min={1}
                max={10_080}
                value={form.durationMinutes}
                onChange={(e) => set('durationMinutes', e.target.value)}
              />
              <Field
                id="mw-tz"
                label="Time zone"
                hint="IANA name, e.g. Europe/Berlin"
                value={form.timezone}
                onChange={(e) => set('timezone', e.target.value)}
              />
            </div>
          ) : null}
          <MatcherEditor
            legend="Matchers"
            value={form.matchers}
            onChange={(ms) => set('matchers', ms)}
            emptyText="No matchers: the window covers every alert of the company."
          />
          {problem ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {problem}
            </p>
          ) : null}
          {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : form.id ? 'Save window' : 'Create window'}
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
        <LoadError what="maintenance windows" error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No maintenance windows">
          {canEdit
            ? 'Create one before planned work so its alerts do not page anyone.'
            : 'An admin can create one before planned work.'}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Maintenance windows">
          {list.data.map((w) => {
            const st = windowState(w);
            return (
              <li key={w.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
                <div className="min-w-0">
                  <p className="font-medium">
                    {w.name} <Badge tone={st.tone}>{st.label}</Badge>
                  </p>
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">{describeWindow(w)}</p>
                  <p className="break-all font-mono text-xs text-zinc-500 dark:text-zinc-400">
                    {matcherText(asMatchers(w.matchers))}
                  </p>
                </div>
                {canEdit ? (
                  <div className="flex gap-1">
                    <EditDeleteButtons
                      name={w.name}
                      what="maintenance window"
                      deleting={remove.isPending}
                      onDelete={() => remove.mutate({ companyId: company.id, id: w.id })}
                      onEdit={() => {
                        setNote(null);
                        setProblem(null);
                        setForm(windowToForm(w));
                      }}
                    />
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {remove.isError ? <ErrorNote>Not deleted: {errorText(remove.error)}</ErrorNote> : null}
    </Card>
  );
}
