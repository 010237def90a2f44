'use client';

// Situation settings of one company: each knob explained in a sentence, the hub values the
// guardrail currently keeps out of linking, and the topology map.
import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorNote, Field } from '~/components/ui';
import { SectionTitle, Switch } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';
import { useTRPC } from '~/trpc/react';
import { SituationPreview, type SituationPatch } from './situation-preview';

export function SituationForm({ companyId, role, now }: { companyId: string; role: Role; now: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.correlation.situationSettings.queryOptions({ companyId }));
  const canEdit = can(role, 'correlation.configure');
  if (!q.data) return q.isError ? <ErrorNote>{errorText(q.error)}</ErrorNote> : null;
  return (
    <Editor
      key={JSON.stringify(q.data.config)}
      data={q.data}
      canEdit={canEdit}
      onSave={() =>
        qc.invalidateQueries({ queryKey: trpc.correlation.situationSettings.queryKey({ companyId }) })
      }
      companyId={companyId}
      canPreview={can(role, 'backtest.run')}
      now={now}
    />
  );
}

/** `web-1: switch-3, pdu-2` per line → { "web-1": ["switch-3", "pdu-2"] }. */
function parseTopology(text: string): Record<string, string[]> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.split(':'))
      .filter((p) => p.length === 2 && p[0]!.trim())
      .map(([a, deps]) => [
        a!.trim(),
        deps!
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean),
      ]),
  );
}

type Data = inferRouterOutputs<AppRouter>['correlation']['situationSettings'];

function Editor({
  data,
  canEdit,
  onSave,
  companyId,
  canPreview,
  now,
}: {
  data: Data;
  canEdit: boolean;
  onSave: () => void;
  companyId: string;
  canPreview: boolean;
  now: number;
}) {
  const trpc = useTRPC();
  const c = data.config;
  const [enabled, setEnabled] = useState(c.enabled);
  const [windowMinutes, setWindow] = useState(String(c.windowMinutes));
  const [entities, setEntities] = useState(c.entities.join(', '));
  const [hubShare, setHubShare] = useState(String(Math.round(c.hubShare * 100)));
  const [maxIncidents, setMax] = useState(String(c.maxIncidents));
  const [maxSpan, setSpan] = useState(String(c.maxSpanMinutes));
  const [topology, setTopology] = useState(
    Object.entries(c.topology)
      .map(([a, deps]) => `${a}: ${deps.join(', ')}`)
      .join('\n'),
  );
  const save = useMutation(trpc.correlation.updateSituationSettings.mutationOptions({ onSuccess: onSave }));
  const patch: SituationPatch = {
    enabled,
    windowMinutes: Number(windowMinutes),
    entities: entities
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
    hubShare: Number(hubShare) / 100,
    maxIncidents: Number(maxIncidents),
    maxSpanMinutes: Number(maxSpan),
    topology: parseTopology(topology),
  };
  const invalid = [windowMinutes, hubShare, maxIncidents, maxSpan].some(
    (v) => !v.trim() || !Number.isFinite(Number(v)),
  );
  const submit = () => save.mutate({ companyId, patch });
  return (
    <Card>
      <SectionTitle id="situations-title">Situations</SectionTitle>
      <form
        aria-labelledby="situations-title"
        className="mt-3 grid gap-4 sm:grid-cols-2 [&>*]:min-w-0"
        onSubmit={(e) => {
          e.preventDefault();
          if (canEdit) submit();
        }}
      >
        <fieldset disabled={!canEdit} className="contents">
          <div className="sm:col-span-2">
            <Switch
              checked={enabled}
              onChange={setEnabled}
              label="Link related incidents into situations"
              description="Open incidents of this company sharing an entity within the window become one row on the board."
            />
          </div>
          <Field
            id="sit-window"
            label="Situation window (minutes)"
            hint="Incidents active within this many minutes of each other may be linked."
            value={windowMinutes}
            onChange={(e) => setWindow(e.target.value)}
          />
          <Field
            id="sit-entities"
            label="Entities"
            hint="Shared values that link incidents: asset, topology, or label:<name> (ip, src_ip, user, cluster, namespace, service)."
            value={entities}
            onChange={(e) => setEntities(e.target.value)}
          />
          <Field
            id="sit-hub"
            label="Hub share (%)"
            hint="A value on more than this share of the last day's incidents (e.g. a scanner address) is never used to link."
            value={hubShare}
            onChange={(e) => setHubShare(e.target.value)}
          />
          <Field
            id="sit-max"
            label="Maximum incidents per situation"
            hint="A situation stops growing at this size, so one hub never swallows everything."
            value={maxIncidents}
            onChange={(e) => setMax(e.target.value)}
          />
          <Field
            id="sit-span"
            label="Maximum span (minutes)"
            hint="A situation accepts new incidents only this long after its first one."
            value={maxSpan}
            onChange={(e) => setSpan(e.target.value)}
          />
          <label className="block text-sm font-medium sm:col-span-2" htmlFor="sit-topology">
            Topology (one asset per line: <code>web-1: switch-3, pdu-2</code>)
            <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">
              What each asset depends on; alert labels depends_on, parent or upstream add to it. Hosts behind
              a failing switch then join the switch&apos;s situation.
            </span>
            <textarea
              id="sit-topology"
              rows={4}
              className="mt-1 w-full rounded border px-2 py-1 font-mono text-sm dark:bg-zinc-900"
              value={topology}
              onChange={(e) => setTopology(e.target.value)}
            />
          </label>
          {canEdit ? (
            <div className="sm:col-span-2">
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save situation settings'}
              </Button>
              {save.isSuccess ? <span className="ml-3 text-sm">Saved.</span> : null}
            </div>
          ) : null}
        </fieldset>
      </form>
      {save.isError ? <ErrorNote>Not saved: {errorText(save.error)}</ErrorNote> : null}
      {canPreview ? (
        <SituationPreview companyId={companyId} candidate={patch} invalid={invalid} now={now} />
      ) : null}
      <div className="mt-4 text-sm" aria-label="Hub values">
        <p className="font-medium">Not used for linking right now (hubs)</p>
        {data.hubs.length ? (
          <ul className="mt-1 list-disc pl-5">
            {data.hubs.map((h) => (
              <li key={h.key}>
                <code>{h.key}</code>: on {h.incidents} of {data.recentIncidents} recent incidents (
                {h.sharePct}
                %)
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-zinc-500 dark:text-zinc-400">
            None: no value is on more than {Math.round(c.hubShare * 100)}% of the {data.recentIncidents}{' '}
            recent incidents
            {data.recentIncidents < c.hubMinIncidents
              ? ` (the guardrail applies from ${c.hubMinIncidents} incidents)`
              : ''}
            .
          </p>
        )}
      </div>
    </Card>
  );
}
