'use client';

import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Field, Select } from '~/components/ui';
import type { ScopedCompany } from '~/components/company-scope';
import { LiveNote, ReadOnlyNote, SectionTitle } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';
import { BacktestPanel } from './backtest-panel';
import { type Config, type FormState, parseForm, toForm } from './config-form-state';

export function ConfigForm({
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
              'An incident held open only by events closes this long after its first alert, and a rolling window never grows past it (default 1440 = 24 h).',
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
            <legend className="mb-1 text-sm font-medium">Alert kinds</legend>
            <Field
              id="cfg-eventTtlMinutes"
              label="Event firing TTL (minutes)"
              hint="An event (IDS, syslog, most generic JSON: no resolve ever comes) holds its incident open this long after it last fired. Empty = the window."
              inputMode="numeric"
              value={form.eventTtlMinutes}
              onChange={(e) => set('eventTtlMinutes', e.target.value)}
              onBlur={() => setTouched(true)}
              error={err('eventTtlMinutes')}
            />
            {num(
              'staleAfterMinutes',
              'Stale after (minutes)',
              'A firing stateful alert (Alertmanager, Grafana, CloudWatch, PagerDuty) with no update this long marks its incident stale; it is never resolved for you. 0 = off.',
              { min: 0, max: 43_200 },
            )}
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
