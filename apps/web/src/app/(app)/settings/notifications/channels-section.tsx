'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, ErrorNote, Field, Select } from '~/components/ui';
import { SectionTitle } from '~/components/ui-extra';
import { useTRPC } from '~/trpc/react';

type Kind = 'EMAIL' | 'TEAMS' | 'SLACK' | 'WEBHOOK' | 'PAGERDUTY' | 'DEMO_INBOX';
const KIND_LABEL: Record<Kind, string> = {
  EMAIL: 'Email',
  TEAMS: 'Microsoft Teams (Workflows webhook)',
  SLACK: 'Slack (incoming webhook)',
  WEBHOOK: 'Signed webhook',
  PAGERDUTY: 'PagerDuty (Events v2)',
  DEMO_INBOX: 'Demo inbox (in the app)',
};

export function ChannelsSection({ admin }: { admin: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const channels = useQuery(trpc.notifications.channels.list.queryOptions());
  const refetch = () => void qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const save = useMutation(trpc.notifications.channels.save.mutationOptions({ onSuccess: refetch }));
  const remove = useMutation(trpc.notifications.channels.delete.mutationOptions({ onSuccess: refetch }));
  const test = useMutation(trpc.notifications.channels.test.mutationOptions());
  const [kind, setKind] = useState<Kind>('TEAMS');
  const [f, setF] = useState({ name: '', url: '', to: '', signingSecret: '', routingKey: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });

  function submit() {
    const common = { name: f.name };
    const channel =
      kind === 'EMAIL'
        ? { kind, ...common, to: f.to.split(/[\s,]+/).filter(Boolean) }
        : kind === 'WEBHOOK'
          ? { kind, ...common, url: f.url, signingSecret: f.signingSecret }
          : kind === 'PAGERDUTY'
            ? { kind, ...common, routingKey: f.routingKey }
            : kind === 'DEMO_INBOX'
              ? { kind, ...common }
              : { kind, ...common, url: f.url };
    save.mutate(
      { channel },
      { onSuccess: () => setF({ name: '', url: '', to: '', signingSecret: '', routingKey: '' }) },
    );
  }

  return (
    <Card>
      <SectionTitle>Channels</SectionTitle>
      <table className="w-full text-sm" aria-label="Notification channels">
        <tbody>
          {(channels.data ?? []).map((c) => (
            <tr key={c.id} className="border-t border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="py-1.5 pr-2 text-left font-normal">
                {c.name}
                <span className="block text-xs text-zinc-500">{KIND_LABEL[c.kind as Kind]}</span>
              </th>
              <td className="py-1.5 pr-2">
                {c.enabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>}
              </td>
              <td className="py-1.5 text-right">
                <Button
                  variant="secondary"
                  disabled={test.isPending}
                  onClick={() => test.mutate({ id: c.id })}
                >
                  Send test
                </Button>{' '}
                {admin ? (
                  <Button variant="secondary" onClick={() => remove.mutate({ id: c.id })}>
                    Delete
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {test.data ? (
        <p role="status" className="mt-2 text-sm">
          {test.data.ok ? `Test sent (${test.data.outcome}).` : `Test failed: ${test.data.error}`}
        </p>
      ) : null}
      {admin ? (
        <form
          className="mt-4 grid gap-3 sm:grid-cols-2"
          aria-label="Add a channel"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Select
            label="Kind"
            id="channel-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as Kind)}
          >
            {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </Select>
          <Field label="Name" id="channel-name" value={f.name} onChange={set('name')} required />
          {kind === 'TEAMS' || kind === 'SLACK' || kind === 'WEBHOOK' ? (
            <Field
              label="URL"
              id="channel-url"
              value={f.url}
              onChange={set('url')}
              hint="Stored encrypted."
              required
            />
          ) : null}
          {kind === 'WEBHOOK' ? (
            <Field
              label="Signing secret"
              id="channel-secret"
              value={f.signingSecret}
              onChange={set('signingSecret')}
              hint="At least 16 characters; see docs/NOTIFICATIONS.md to verify."
              required
            />
          ) : null}
          {kind === 'EMAIL' ? (
            <Field
              label="Recipients"
              id="channel-to"
              value={f.to}
              onChange={set('to')}
              hint="Comma-separated addresses."
              required
            />
          ) : null}
          {kind === 'PAGERDUTY' ? (
            <Field
              label="Integration (routing) key"
              id="channel-routing"
              value={f.routingKey}
              onChange={set('routingKey')}
              required
            />
          ) : null}
          <div className="sm:col-span-2">
            {save.error ? <ErrorNote>{save.error.message}</ErrorNote> : null}
            <Button type="submit" disabled={save.isPending}>
              Add channel
            </Button>
          </div>
        </form>
      ) : null}
    </Card>
  );
}
