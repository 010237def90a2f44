'use client';

// The "Kubernetes cluster" path: name the cluster, get the exact `helm install` command with the
// portal's URL, a fresh site key and the signing secret (shown once, kept only in this page).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, ErrorNote, Field } from '~/components/ui';
import { CodeBlock } from '~/components/ui-extra';
import { errorText } from '~/lib/error-text';
import { useTRPC } from '~/trpc/react';

export function KubernetesInstall({
  companyId,
  origin,
  readOnly,
}: {
  companyId: string;
  origin: string;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [clusterName, setClusterName] = useState('');
  const [command, setCommand] = useState<string | null>(null);
  const create = useMutation(
    trpc.sites.createInstall.mutationOptions({
      onSuccess: (r) => {
        setCommand(r.command);
        void qc.invalidateQueries({ queryKey: trpc.sites.list.queryKey({ companyId }) });
      },
    }),
  );
  const valid = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(clusterName);
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Install the Alert Whisperer operator with Helm: it forwards the cluster&apos;s Alertmanager alerts and
        Warning events here (signed, queued on disk, nothing lost while this portal is unreachable) and can
        enroll the nodes in Systems Manager.
      </p>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) create.mutate({ companyId, clusterName, origin });
        }}
      >
        <Field
          id={`k8s-cluster-${companyId}`}
          label="Cluster name"
          hint="lowercase letters, digits and -, as it should appear in assets (prod-eu)"
          value={clusterName}
          onChange={(e) => setClusterName(e.target.value.trim())}
          error={clusterName && !valid ? 'lowercase letters, digits and -, up to 63' : null}
          disabled={readOnly}
        />
        <Button type="submit" disabled={readOnly || !valid || create.isPending}>
          {create.isPending ? 'Creating…' : 'Create site key and command'}
        </Button>
      </form>
      {create.isError ? <ErrorNote>{errorText(create.error)}</ErrorNote> : null}
      {command ? (
        <div className="space-y-2">
          <p className="text-sm">
            Run this with a kubeconfig for the cluster. It contains a new API key and your signing secret: it
            is shown once.
          </p>
          <CodeBlock code={command} label="helm install command" copyLabel="Copy helm command" wrap />
        </div>
      ) : null}
    </div>
  );
}
