'use client';

// Choosing a key's scopes when it is created, and showing them on every key.
import { API_KEY_SCOPES, SCOPE_DESCRIPTIONS, type TApiKeyScope } from '@aw/ingest/scopes';
import { Badge } from '~/components/ui';

const LABELS: Record<TApiKeyScope, string> = {
  'alerts:write': 'Send alerts',
  site: 'Cluster operator (site)',
};

export function ScopePicker({
  value,
  onChange,
}: {
  value: TApiKeyScope[];
  onChange: (next: TApiKeyScope[]) => void;
}) {
  return (
    <fieldset className="sm:col-span-2">
      <legend className="text-sm font-medium">Scopes</legend>
      <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
        What the key may do. Give monitoring senders only “Send alerts”; give a Kubernetes operator its own
        key with “Cluster operator”, which always signs its requests.
      </p>
      <div className="space-y-2">
        {API_KEY_SCOPES.map((s) => (
          <label key={s} className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-1"
              checked={value.includes(s)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? API_KEY_SCOPES.filter((x) => x === s || value.includes(x))
                    : value.filter((x) => x !== s),
                )
              }
            />
            <span>
              <span className="font-medium">{LABELS[s]}</span> <code className="font-mono text-xs">{s}</code>
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">{SCOPE_DESCRIPTIONS[s]}</span>
            </span>
          </label>
        ))}
      </div>
      {value.length === 0 ? (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
          Choose at least one scope.
        </p>
      ) : null}
    </fieldset>
  );
}

export function ScopeBadges({ scopes }: { scopes: string[] }) {
  return (
    <span aria-label={`Scopes: ${scopes.join(', ')}`}>
      {scopes.map((s) => (
        <Badge key={s} tone={s === 'site' ? 'indigo' : 'zinc'}>
          {s}
        </Badge>
      ))}
    </span>
  );
}
