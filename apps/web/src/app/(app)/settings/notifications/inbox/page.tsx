import type { Metadata } from 'next';
import { PageHeader } from '~/components/ui';
import { InboxList } from './inbox-list';

export const metadata: Metadata = { title: 'Demo inbox' };

export default function InboxPage() {
  return (
    <>
      <PageHeader
        title="Demo inbox"
        description="What the demo-inbox channel received: each message as it would have gone to Teams, Slack or email. Nothing here left the machine."
      />
      <InboxList />
    </>
  );
}
