'use client';

import { isStaffRole, type Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Select, Skeleton } from '~/components/ui';
import { CompanyGate, CompanyPicker, type ScopedCompany, useCompanyScope } from '~/components/company-scope';
import { DateRangePicker } from '~/components/date-range-picker';
import { dimDisabled, LiveNote, ReadOnlyNote, SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { type DateRange, formatDateTime, presetRange } from '~/lib/format';
import type { AppRouter } from '~/server/root';
import { useTRPC } from '~/trpc/react';

type Config = inferRouterOutputs<AppRouter>['correlation']['config'];
type Backtest = inferRouterOutputs<AppRouter>['correlation']['backtest'];

const KEY_FIELDS = ['source', 'asset', 'signature', 'service', 'severity', 'summary'];

interface FormState {
  windowMinutes: string;
  windowMode: 'FIXED' | 'ROLLING';
  maxSpanMinutes: string;
  aggregationKey: string;
  minAlertsToOpen: string;
  autoResolveQuietMinutes: string;
  autoCloseEnabled: boolean;
  autoCloseAfterMinutes: string;
  flapThreshold: string;
  flapWindowMinutes: string;
}

const toForm = (c: Config): FormState => ({
  windowMinutes: String(c.windowMinutes),
  windowMode: c.windowMode,
  maxSpanMinutes: String(c.maxSpanMinutes),
  aggregationKey: c.aggregationKey,
  minAlertsToOpen: String(c.minAlertsToOpen),
  autoResolveQuietMinutes: String(c.autoResolveQuietMinutes),
  autoCloseEnabled: c.autoCloseAfterMinutes !== null,
  autoCloseAfterMinutes: String(c.autoCloseAfterMinutes ?? 1440),
  flapThreshold: String(c.flapThreshold),
  flapWindowMinutes: String(c.flapWindowMinutes),
});

type Errors = Partial<Record<keyof FormState, string>>;

function validKeyTemplate(t: string) {
  const parts = t.split('|').map((p) => p.trim());
  return (
    parts.length > 0 &&
    parts.length <= 6 &&
    parts.every((p) => KEY_FIELDS.includes(p) || /^label:[A-Za-z0-9_.\-/]{1,100}$/.test(p))
  );
}

/** The form as a config, or the problems per field (mirrors the server's bounds). */
function parseForm(f: FormState): { config: Config | null; errors: Errors } {
  const errors: Errors = {};
  const int = (k: keyof FormState, min: number, max: number) => {
    const raw = String(f[k]).trim();
    const n = Number(raw);
    if (!raw || !Number.isInteger(n) || n < min || n > max) {
      errors[k] = `A whole number from ${min} to ${max}.`;
      return min;
    }
    return n;
  };
  const windowMinutes = int('windowMinutes', 1, 60);
  const maxSpanMinutes = int('maxSpanMinutes', 1, 10_080);
  if (!errors.maxSpanMinutes && !errors.windowMinutes && maxSpanMinutes < windowMinutes)
    errors.maxSpanMinutes = 'At least the window length.';
  if (!validKeyTemplate(f.aggregationKey))
    errors.aggregationKey = `Up to 6 fields separated by |: ${KEY_FIELDS.join(', ')} or label:<name>.`;
  const config: Config = {
    windowMinutes,
    windowMode: f.windowMode,
    maxSpanMinutes,
    aggregationKey: f.aggregationKey
      .split('|')
      .map((p) => p.trim())
      .join('|'),
    minAlertsToOpen: int('minAlertsToOpen', 1, 100),
    autoResolveQuietMinutes: int('autoResolveQuietMinutes', 0, 1440),
    autoCloseAfterMinutes: f.autoCloseEnabled ? int('autoCloseAfterMinutes', 1, 43_200) : null,
    flapThreshold: int('flapThreshold', 2, 100),
    flapWindowMinutes: int('flapWindowMinutes', 1, 1440),
  };
  return { config: Object.keys(errors).length ? null : config, errors };
}

export function CorrelationSettings({
  role,
  myCompanyId,
  now,
}: {
  role: Role;
  myCompanyId: string | null;
  now: number;
}) {
  const scope = useCompanyScope({ myCompanyId });
  return (
    <div className={`space-y-6 ${dimDisabled}`}>
      <CompanyPicker scope={scope} isClient={!isStaffRole(role)} id="correlation-company" />
      <CompanyGate scope={scope}>
        {(company) => <CompanyCorrelation key={company.id} company={company} role={role} now={now} />}
      </CompanyGate>
    </div>
  );
}

function CompanyCorrelation({ company, role, now }: { company: ScopedCompany; role: Role; now: number }) {
  const trpc = useTRPC();
  const config = useQuery(trpc.correlation.config.queryOptions({ companyId: company.id }));
  if (config.isPending)
    return (
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0" aria-busy="true" aria-label="Loading settings">
        <Skeleton className="h-96" />
        <Skeleton className="h-96" />
      </div>
    );
  if (config.isError)
    return (
      <ErrorNote>
        Could not load the correlation settings: {errorText(config.error)}.{' '}
        <button type="button" className="underline" onClick={() => void config.refetch()}>
          Try again
        </button>
      </ErrorNote>
    );
  return <ConfigForm company={company} current={config.data} role={role} now={now} />;
}

function ConfigForm({
  company,
  current,
  role,
  now,
}: {
  company: ScopedCompany;
  current: Config;
  role: Role;
  now: number;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const canEdit = can(role, 'correlation.configure');
  const canBacktest = can(role, 'backtest.run');
  const [form, setForm] = useState<FormState>(() => toForm(current));
  const [touched, setTouched] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const { config: candidate, errors } = parseForm(form);
  const dirty = JSON.stringify(toForm(current)) !== JSON.stringify(form);
  const save = useMutation(
    trpc.correlation.updateConfig.mutationOptions({
      onSuccess: async (next) => {
        qc.setQueryData(trpc.correlation.config.queryKey({ companyId: company.id }), next);
        setForm(toForm(next));
        setSavedAt(new Date());
      },
    }),
  );
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setSavedAt(null);
  };
  const err = (k: keyof FormState) => (touched ? errors[k] : undefined);
  const num = (k: keyof FormState, label: string, hint: string, extra: { min: number; max: number }) => (
    <Field
      id={`cfg-${k}`}
      label={label}
      hint={hint}
      type="number"
      inputMode="numeric"
      min={extra.min}
      max={extra.max}
      step={1}
      required
      value={String(form[k])}
      onChange={(e) => set(k, e.target.value as never)}
      onBlur={() => setTouched(true)}
      error={err(k)}
    />
  );

  return (
    <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
      <Card>
        <SectionTitle>Configuration</SectionTitle>
        {!canEdit ? (
          <div className="mb-4">
            <ReadOnlyNote>
              {canBacktest
                ? 'Only MSP owners and admins can save correlation settings. You can still try values in the backtest.'
                : 'Read-only: your role can view these settings but not change them.'}
            </ReadOnlyNote>
          </div>
        ) : null}
        <form
          className="space-y-4"
          aria-label="Correlation configuration"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(true);
            if (!candidate || !canEdit) return;
            save.mutate({ companyId: company.id, patch: candidate });
          }}
        >
          <fieldset
            className="grid min-w-0 gap-4 sm:grid-cols-2 [&>*]:min-w-0"
            disabled={!canEdit && !canBacktest}
          >
            <legend className="sr-only">Time window</legend>
            {num(
              'windowMinutes',
              'Window (minutes)',
              'Alerts with the same key within this time join one incident. 1-60.',
              {
                min: 1,
                max: 60,
              },
            )}
            <Select
              id="cfg-windowMode"
              label="Window mode"
              value={form.windowMode}
              onChange={(e) => set('windowMode', e.target.value as FormState['windowMode'])}
            >
              <option value="FIXED">Fixed: from the first alert</option>
              <option value="ROLLING">Rolling: each alert extends it</option>
            </Select>
            {num(
              'maxSpanMinutes',
              'Maximum span (minutes)',
              'A rolling window never grows past this (default 1440 = 24 h).',
              { min: 1, max: 10_080 },
            )}
            {num(
              'minAlertsToOpen',
              'Minimum alerts to open',
              'How many alerts before an incident opens. 1-100.',
              {
                min: 1,
                max: 100,
              },
            )}
          </fieldset>
          <fieldset className="min-w-0" disabled={!canEdit && !canBacktest}>
            <legend className="sr-only">Aggregation key</legend>
            <Field
              id="cfg-aggregationKey"
              label="Aggregation key"
              hint="Fields separated by |, e.g. asset|signature, or service|signature to group the same check failing on many hosts, or label:env."
              list="cfg-key-suggestions"
              required
              value={form.aggregationKey}
              onChange={(e) => set('aggregationKey', e.target.value)}
              onBlur={() => setTouched(true)}
              error={err('aggregationKey')}
              className="font-mono"
            />
            <datalist id="cfg-key-suggestions">
              <option value="asset|signature" />
              <option value="service|signature" />
              <option value="asset" />
              <option value="signature" />
              <option value="asset|label:env" />
            </datalist>
          </fieldset>
          <fieldset
            className="grid min-w-0 gap-4 sm:grid-cols-2 [&>*]:min-w-0"
            disabled={!canEdit && !canBacktest}
          >
            <legend className="mb-1 text-sm font-medium">Resolving</legend>
            {num(
              'autoResolveQuietMinutes',
              'Auto-resolve quiet period (minutes)',
              'When every alert has resolved, wait this long before resolving the incident. 0 = at once.',
              { min: 0, max: 1440 },
            )}
            <div className="space-y-2">
              <label className="flex items-center gap-2 text-sm font-medium">
                <input
                  type="checkbox"
                  checked={form.autoCloseEnabled}
                  onChange={(e) => set('autoCloseEnabled', e.target.checked)}
                  className="h-4 w-4 accent-indigo-600"
                />
                Auto-close quiet incidents
              </label>
              {form.autoCloseEnabled ? (
                num(
                  'autoCloseAfterMinutes',
                  'Auto-close after (minutes)',
                  'For sources that never send “resolved”. 1-43200.',
                  { min: 1, max: 43_200 },
                )
              ) : (
                <p className="text-xs text-zinc-500 dark:text-zinc-400">
                  Off: incidents stay open until their alerts resolve or someone resolves them.
                </p>
              )}
            </div>
          </fieldset>
          <fieldset
            className="grid min-w-0 gap-4 sm:grid-cols-2 [&>*]:min-w-0"
            disabled={!canEdit && !canBacktest}
          >
            <legend className="mb-1 text-sm font-medium">Flapping</legend>
            {num(
              'flapThreshold',
              'Transitions (N)',
              'Firing/resolved changes that mark an incident flapping. 2-100.',
              {
                min: 2,
                max: 100,
              },
            )}
            {num(
              'flapWindowMinutes',
              'Within (M minutes)',
              'A flapping incident is held open instead of churning. 1-1440.',
              {
                min: 1,
                max: 1440,
              },
            )}
          </fieldset>
          {canEdit ? (
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" disabled={save.isPending || !dirty}>
                {save.isPending ? 'Saving…' : 'Save settings'}
              </Button>
              <Button variant="ghost" disabled={!dirty} onClick={() => setForm(toForm(current))}>
                Discard changes
              </Button>
              {touched && !candidate ? (
                <p role="alert" className="text-sm text-red-700 dark:text-red-300">
                  Fix the highlighted fields.
                </p>
              ) : null}
            </div>
          ) : null}
          {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
          {savedAt ? <LiveNote>Saved. New alerts of {company.name} use these settings.</LiveNote> : null}
        </form>
      </Card>
      {canBacktest ? (
        <BacktestPanel company={company} candidate={candidate} dirty={dirty} now={now} />
      ) : (
        <Card>
          <SectionTitle>Backtest</SectionTitle>
          <ReadOnlyNote>Backtests are run by MSP staff and client admins.</ReadOnlyNote>
        </Card>
      )}
    </div>
  );
}

function BacktestPanel({
  company,
  candidate,
  dirty,
  now,
}: {
  company: ScopedCompany;
  candidate: Config | null;
  dirty: boolean;
  now: number;
}) {
  const trpc = useTRPC();
  const [range, setRange] = useState<DateRange>(() => presetRange('7d', now));
  const run = useMutation(trpc.correlation.backtest.mutationOptions());
  return (
    <Card>
      <SectionTitle>Backtest</SectionTitle>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        Replays the stored alerts of {company.name} through the current settings and the values in the form,
        side by side. Nothing is saved or changed.
      </p>
      <DateRangePicker value={range} onChange={setRange} idPrefix="backtest-range" />
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button
          onClick={() => {
            if (!candidate) return;
            run.mutate({ companyId: company.id, from: range.from, to: range.to, candidate });
          }}
          disabled={run.isPending || !candidate}
        >
          {run.isPending ? 'Running backtest…' : 'Run backtest'}
        </Button>
        {!dirty ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            Change a value in the form to compare it with the current settings.
          </span>
        ) : null}
      </div>
      <div aria-live="polite" className="mt-4">
        {run.isPending ? (
          <div className="space-y-2" aria-busy="true">
            <p className="text-sm">Replaying alerts…</p>
            <Skeleton className="h-24" />
          </div>
        ) : run.isError ? (
          <ErrorNote>Backtest failed: {errorText(run.error)}. Try a shorter period.</ErrorNote>
        ) : run.data ? (
          <BacktestResult result={run.data} />
        ) : null}
      </div>
    </Card>
  );
}

const DECISIONS = [
  ['CORRELATED', 'Correlated'],
  ['DEDUPLICATED', 'Deduplicated'],
  ['SUPPRESSED', 'Suppressed'],
  ['INHIBITED', 'Inhibited'],
  ['RESOLVED_SIGNAL', 'Resolved signals'],
] as const;

function BacktestResult({ result }: { result: Backtest }) {
  const nr = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
  const delta = result.candidate.incidents - result.current.incidents;
  if (result.alerts === 0)
    return (
      <EmptyState title="No alerts in this period">
        The backtest had nothing to replay. Pick a longer period, or come back once alerts have arrived.
      </EmptyState>
    );
  return (
    <div className="space-y-4" role="region" aria-label="Backtest result">
      <p className="text-sm">
        {result.alerts.toLocaleString()} alerts from {formatDateTime(result.period.from)} to{' '}
        {formatDateTime(result.period.to)} replayed in {(result.durationMs / 1000).toFixed(1)} s.{' '}
        <Badge tone={delta < 0 ? 'green' : delta > 0 ? 'amber' : 'zinc'}>
          {delta === 0
            ? 'Same number of incidents'
            : `${delta > 0 ? '+' : ''}${delta} incidents with the candidate`}
        </Badge>
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Current settings compared with the candidate</caption>
          <thead className="text-xs text-zinc-500 dark:text-zinc-400">
            <tr>
              <th scope="col" className="py-1 font-normal" />
              <th scope="col" className="py-1 text-right font-normal">
                Current
              </th>
              <th scope="col" className="py-1 text-right font-normal">
                Candidate
              </th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            <tr className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 font-normal">
                Incidents
              </th>
              <td className="text-right">{result.current.incidents}</td>
              <td className="text-right font-medium">{result.candidate.incidents}</td>
            </tr>
            <tr className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 font-normal">
                Noise reduction
              </th>
              <td className="text-right">{nr(result.current.noiseReductionPct)}</td>
              <td className="text-right font-medium">{nr(result.candidate.noiseReductionPct)}</td>
            </tr>
            {DECISIONS.map(([k, label]) => (
              <tr key={k} className="border-t border-zinc-100 dark:border-zinc-800">
                <th scope="row" className="py-1.5 font-normal">
                  {label}
                </th>
                <td className="text-right">{result.current.decisions[k] ?? 0}</td>
                <td className="text-right">{result.candidate.decisions[k] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 [&>*]:min-w-0">
        <Groups title="Largest groups now" groups={result.current.largestGroups} />
        <Groups title="Largest groups with the candidate" groups={result.candidate.largestGroups} />
      </div>
    </div>
  );
}

function Groups({ title, groups }: { title: string; groups: Backtest['current']['largestGroups'] }) {
  return (
    <div>
      <h3 className="mb-1 text-sm font-medium">{title}</h3>
      {groups.length === 0 ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">No incidents.</p>
      ) : (
        <ol className="space-y-1 text-xs">
          {groups.slice(0, 8).map((g) => (
            <li key={`${g.key}-${g.firstSeenAt}`} className="flex items-start justify-between gap-2">
              <span className="min-w-0 break-all font-mono" title={g.title}>
                {g.key}
              </span>
              <span className="shrink-0 tabular-nums">{g.alertCount} alerts</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
