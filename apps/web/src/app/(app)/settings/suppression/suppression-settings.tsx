'use client';

import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Select, Skeleton } from '~/components/ui';
import { CompanyScopedPage, type ScopedCompany } from '~/components/company-scope';
import { LiveNote, ReadOnlyNote, SectionTitle, TextArea } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { formatDateTime, fromLocalInput, toLocalInput } from '~/lib/format';
import type { AppRouter } from '~/server/root';
import { useTRPC } from '~/trpc/react';
import { asMatchers, type Matcher, MatcherEditor, matcherProblem, matcherText } from './matchers';

type Out = inferRouterOutputs<AppRouter>['correlation'];
type WindowRow = Out['maintenanceWindows'][number];
type RuleRow = Out['inhibitionRules'][number];

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

type Recurrence =
  | { kind: 'weekly'; days: number[]; start: string; durationMinutes: number }
  | { kind: 'cron'; expr: string; durationMinutes: number };

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function SuppressionSettings({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="suppression-company">
      {(company) => <CompanySuppression key={company.id} company={company} role={role} />}
    </CompanyScopedPage>
  );
}

function CompanySuppression({ company, role }: { company: ScopedCompany; role: Role }) {
  const canEdit = can(role, 'silence.manage');
  return (
    <div className="space-y-6">
      {!canEdit ? <ReadOnlyNote /> : null}
      <MaintenanceSection company={company} canEdit={canEdit} />
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <SilenceSection company={company} canEdit={canEdit} />
        <InhibitionSection company={company} canEdit={canEdit} />
      </div>
    </div>
  );
}

function Loading() {
  return (
    <div className="space-y-2" aria-busy="true">
      <Skeleton className="h-8" />
      <Skeleton className="h-8" />
    </div>
  );
}

function LoadError({ what, error, retry }: { what: string; error: unknown; retry: () => void }) {
  return (
    <ErrorNote>
      Could not load {what}: {errorText(error)}.{' '}
      <button type="button" className="underline" onClick={retry}>
        Try again
      </button>
    </ErrorNote>
  );
}

// ───────────── maintenance windows ─────────────

interface WindowForm {
  id?: string;
  name: string;
  kind: 'once' | 'weekly' | 'cron';
  startsAt: string;
  endsAt: string;
  days: number[];
  start: string;
  durationMinutes: string;
  expr: string;
  timezone: string;
  matchers: Matcher[];
}

function newWindowForm(): WindowForm {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return {
    name: '',
    kind: 'once',
    startsAt: toLocalInput(start),
    endsAt: toLocalInput(new Date(start.getTime() + 2 * 3_600_000)),
    days: [6],
    start: '02:00',
    durationMinutes: '120',
    expr: '0 2 * * 6',
    timezone: browserZone(),
    matchers: [],
  };
}

function windowToForm(w: WindowRow): WindowForm {
  const r = w.recurrence as Recurrence | null;
  return {
    id: w.id,
    name: w.name,
    kind: r ? (r.kind === 'weekly' ? 'weekly' : 'cron') : 'once',
    startsAt: toLocalInput(new Date(w.startsAt)),
    endsAt: toLocalInput(new Date(w.endsAt)),
    days: r?.kind === 'weekly' ? r.days : [6],
    start: r?.kind === 'weekly' ? r.start : '02:00',
    durationMinutes: String(r?.durationMinutes ?? 120),
    expr: r?.kind === 'cron' ? r.expr : '0 2 * * 6',
    timezone: w.timezone,
    matchers: asMatchers(w.matchers),
  };
}

function describeWindow(w: WindowRow): string {
  const r = w.recurrence as Recurrence | null;
  if (!r) return `${formatDateTime(w.startsAt)} – ${formatDateTime(w.endsAt)}`;
  const dur = `${r.durationMinutes} min`;
  const when =
    r.kind === 'weekly'
      ? `Every ${r.days.map((d) => DAYS[d]).join(', ')} at ${r.start} (${w.timezone}) for ${dur}`
      : `Cron “${r.expr}” (${w.timezone}) for ${dur}`;
  return `${when}, from ${formatDateTime(w.startsAt)} until ${formatDateTime(w.endsAt)}`;
}

function windowState(w: WindowRow): { label: string; tone: 'green' | 'indigo' | 'zinc' } {
  const now = Date.now();
  const s = new Date(w.startsAt).getTime();
  const e = new Date(w.endsAt).getTime();
  if (e <= now) return { label: 'Ended', tone: 'zinc' };
  if (w.recurrence) return { label: s > now ? 'Scheduled' : 'Recurring', tone: 'indigo' };
  return s > now ? { label: 'Upcoming', tone: 'indigo' } : { label: 'Active now', tone: 'green' };
}

function MaintenanceSection({ company, canEdit }: { company: ScopedCompany; canEdit: boolean }) {
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
                    <Button
                      variant="secondary"
                      aria-label={`Edit ${w.name}`}
                      onClick={() => {
                        setNote(null);
                        setProblem(null);
                        setForm(windowToForm(w));
                      }}
                    >
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      aria-label={`Delete ${w.name}`}
                      disabled={remove.isPending}
                      onClick={() => {
                        if (confirm(`Delete the maintenance window “${w.name}”?`))
                          remove.mutate({ companyId: company.id, id: w.id });
                      }}
                    >
                      Delete
                    </Button>
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

// ───────────── silences ─────────────

const SILENCE_DURATIONS = [
  { value: '60', label: '1 hour' },
  { value: '240', label: '4 hours' },
  { value: '1440', label: '24 hours' },
  { value: '10080', label: '7 days' },
];

function SilenceSection({ company, canEdit }: { company: ScopedCompany; canEdit: boolean }) {
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

// ───────────── inhibition rules ─────────────

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

function InhibitionSection({ company, canEdit }: { company: ScopedCompany; canEdit: boolean }) {
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
                    <Button
                      variant="secondary"
                      aria-label={`Edit ${r.name}`}
                      onClick={() =>
                        setForm({
                          id: r.id,
                          name: r.name,
                          source: asMatchers(r.sourceMatchers),
                          target: asMatchers(r.targetMatchers),
                          equal: r.equal.join(', '),
                          enabled: r.enabled,
                        })
                      }
                    >
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      aria-label={`Delete ${r.name}`}
                      disabled={remove.isPending}
                      onClick={() => {
                        if (confirm(`Delete the inhibition rule “${r.name}”?`))
                          remove.mutate({ companyId: company.id, id: r.id });
                      }}
                    >
                      Delete
                    </Button>
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
