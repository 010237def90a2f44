import { isStaffRole } from '@aw/core/domain';
import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '~/components/ui';
import { ReadOnlyNote } from '~/components/ui-extra';
import { serverApi } from '~/server/caller';
import { ChannelsSection } from './channels-section';
import { DeadLettersSection } from './dead-letters-section';
import { EscalationSection } from './escalation-section';
import { PoliciesSection } from './policies-section';
import { PsaSection } from './psa-section';

export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsPage() {
  const me = await (await serverApi()).viewer.me();
  const admin = me.role === 'OWNER' || me.role === 'ADMIN';
  return (
    <>
      <PageHeader
        title="Notifications"
        description="Where incidents are announced (Teams, Slack, email, a signed webhook, PagerDuty), which incidents and when, who is paged when nobody acknowledges, and which PSA gets a ticket."
      />
      {!isStaffRole(me.role) ? (
        <ReadOnlyNote>Notifications are set up by your MSP.</ReadOnlyNote>
      ) : (
        <div className="space-y-6">
          <p className="text-sm">
            <Link className="underline" href="/settings/notifications/inbox">
              Open the demo inbox
            </Link>{' '}
            — the messages a demo-inbox channel received, exactly as they would have gone out.
          </p>
          <ChannelsSection admin={admin} />
          <PoliciesSection admin={admin} />
          <EscalationSection admin={admin} />
          <PsaSection admin={admin} />
          <DeadLettersSection />
        </div>
      )}
    </>
  );
}
