'use client';

import { useMutation } from '@tanstack/react-query';
import { Button, Card, ErrorNote, Field } from '~/components/ui';
import { useTRPC } from '~/trpc/react';

export function ProfileStep({
  companyId,
  name,
  timezone,
  readOnly,
  onNext,
}: {
  companyId: string;
  name: string;
  timezone: string;
  readOnly: boolean;
  onNext: () => void;
}) {
  const trpc = useTRPC();
  const save = useMutation(trpc.company.updateProfile.mutationOptions({ onSuccess: onNext }));
  const browserTz = typeof Intl !== 'undefined' ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC';
  return (
    <Card>
      <h2 className="mb-4 text-lg font-medium">Company profile</h2>
      <form
        className="max-w-md space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          save.mutate({ companyId, name: String(f.get('profileName')), timezone: String(f.get('timezone')) });
        }}
      >
        <Field
          id="profileName"
          label="Company name"
          defaultValue={name}
          required
          minLength={2}
          disabled={readOnly}
        />
        <Field
          id="timezone"
          label="Time zone"
          defaultValue={timezone === 'UTC' ? browserTz : timezone}
          hint="IANA name, e.g. Europe/Berlin. Maintenance windows use it."
          required
          disabled={readOnly}
        />
        {save.isError ? <ErrorNote>{save.error.message}</ErrorNote> : null}
        <div className="flex gap-2">
          <Button type="submit" disabled={readOnly || save.isPending}>
            Save and continue
          </Button>
          <Button variant="ghost" onClick={onNext}>
            Skip
          </Button>
        </div>
      </form>
    </Card>
  );
}
