'use client';

// Schedule, retention, alert thresholds and the S3 export (owners and admins).
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Card, Field } from '~/components/ui';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';

interface Settings {
  syncIntervalHours: number;
  retentionDays: number;
  staleAfterDays: number;
  minCompliancePercent: number | null;
  criticalMissingDays: number | null;
  alertOnStale: boolean;
  exportEnabled: boolean;
  exportBucket: string | null;
  exportPrefix: string | null;
}

const num = (v: FormDataEntryValue | null) => (v === null || v === '' ? null : Number(v));

export function SettingsForm({
  companyId,
  settings,
  onSaved,
}: {
  companyId: string;
  settings: Settings;
  onSaved: () => void;
}) {
  const trpc = useTRPC();
  const [note, setNote] = useState('');
  const save = useMutation(
    trpc.compliance.saveSettings.mutationOptions({
      onSuccess: () => {
        setNote('Saved.');
        onSaved();
      },
      onError: (e) => setNote(errorText(e)),
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate({
      companyId,
      change: {
        syncIntervalHours: Number(f.get('syncIntervalHours')),
        retentionDays: Number(f.get('retentionDays')),
        staleAfterDays: Number(f.get('staleAfterDays')),
        minCompliancePercent: num(f.get('minCompliancePercent')),
        criticalMissingDays: num(f.get('criticalMissingDays')),
        alertOnStale: f.get('alertOnStale') === 'on',
        exportEnabled: f.get('exportEnabled') === 'on',
        exportBucket: (f.get('exportBucket') as string) || null,
        exportPrefix: (f.get('exportPrefix') as string) || null,
      },
    });
  };
  const d = settings;
  return (
    <Card>
      <h2 className="mb-3 font-semibold">Schedule, thresholds and export</h2>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" aria-label="Compliance settings">
        <Field
          id="syncIntervalHours"
          label="Sync every (hours)"
          type="number"
          min={1}
          max={168}
          defaultValue={d.syncIntervalHours}
        />
        <Field
          id="retentionDays"
          label="Keep snapshots (days)"
          type="number"
          min={7}
          max={730}
          defaultValue={d.retentionDays}
        />
        <Field
          id="staleAfterDays"
          label="Scan is stale after (days)"
          type="number"
          min={1}
          max={90}
          defaultValue={d.staleAfterDays}
        />
        <Field
          id="minCompliancePercent"
          label="Alert when compliance is below (%)"
          type="number"
          min={1}
          max={100}
          defaultValue={d.minCompliancePercent ?? ''}
          hint="Empty: off"
        />
        <Field
          id="criticalMissingDays"
          label="Alert when a critical patch is missing for more than (days)"
          type="number"
          min={0}
          max={365}
          defaultValue={d.criticalMissingDays ?? ''}
          hint="Empty: off"
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="alertOnStale" defaultChecked={d.alertOnStale} /> Alert on stale or
          missing scans
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="exportEnabled" defaultChecked={d.exportEnabled} /> Daily S3 export
          (QuickSight)
        </label>
        <Field id="exportBucket" label="Export bucket" defaultValue={d.exportBucket ?? ''} />
        <Field id="exportPrefix" label="Export prefix" defaultValue={d.exportPrefix ?? ''} />
        <div className="flex items-center gap-3 sm:col-span-3">
          <Button type="submit" disabled={save.isPending}>
            Save
          </Button>
          <span role="status">{note}</span>
        </div>
      </form>
    </Card>
  );
}
