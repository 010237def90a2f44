import type { ReactNode } from 'react';
import { MainNav } from '~/components/nav';

const sections = [
  { href: '/settings/correlation', label: 'Correlation' },
  { href: '/settings/suppression', label: 'Maintenance & silences' },
  { href: '/settings/keys', label: 'API keys & signing' },
  { href: '/settings/aws', label: 'AWS & nodes' },
  { href: '/settings/runbooks', label: 'Runbooks' },
  { href: '/settings/notifications', label: 'Notifications' },
  { href: '/settings/clusters', label: 'Clusters' },
  { href: '/settings/members', label: 'Members' },
  { href: '/settings/audit', label: 'Audit log' },
];

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-6">
      <div className="overflow-x-auto border-b border-zinc-200 pb-2 dark:border-zinc-800">
        <MainNav items={sections} label="Settings" />
      </div>
      {children}
    </div>
  );
}
