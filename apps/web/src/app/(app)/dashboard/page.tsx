import type { Metadata } from 'next';
import { serverApi } from '~/server/caller';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const api = await serverApi();
  const companies = await api.company.list();
  const open = companies.reduce((n, c) => n + c.openIncidents, 0);
  const alerts = companies.reduce((n, c) => n + c.alerts, 0);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Dashboard</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {open} open incident{open === 1 ? '' : 's'} from {alerts} alert{alerts === 1 ? '' : 's'} across{' '}
          {companies.length} compan{companies.length === 1 ? 'y' : 'ies'}.
        </p>
      </div>
      {companies.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-8 text-center text-sm dark:border-zinc-700">
          No client companies yet. Invite a client admin to start onboarding.
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Companies">
          {companies.map((c) => (
            <li
              key={c.id}
              className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
            >
              <div className="flex items-center justify-between gap-2">
                <h2 className="font-medium">{c.name}</h2>
                {c.simulated ? (
                  <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100">
                    simulated AWS
                  </span>
                ) : null}
              </div>
              <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
                <dt className="text-zinc-500 dark:text-zinc-400">Open incidents</dt>
                <dd className="text-right font-mono">{c.openIncidents}</dd>
                <dt className="text-zinc-500 dark:text-zinc-400">Alerts</dt>
                <dd className="text-right font-mono">{c.alerts}</dd>
                <dt className="text-zinc-500 dark:text-zinc-400">AWS</dt>
                <dd className="text-right">
                  {c.webhookOnly ? 'webhook only' : c.awsStatus.toLowerCase().replace('_', ' ')}
                </dd>
                <dt className="text-zinc-500 dark:text-zinc-400">Webhook signing</dt>
                <dd className="text-right">{c.hmacRequired ? 'HMAC required' : 'off'}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
