'use client';

// The API keys and signing page of one company: one file per section beside this one.
import type { Role } from '@aw/core/domain';
import { can } from '@aw/core/permissions';
import { useState } from 'react';
import { CompanyScopedPage, type ScopedCompany } from '~/components/company-scope';
import { ReadOnlyNote } from '~/components/ui-extra';
import { ApiKeys } from './api-keys-section';
import { CurlExample } from './curl-example';
import { Mappings } from './mappings-section';
import type { Created } from './shared';
import { Signing } from './signing-section';

export function KeysSettings({ role, myCompanyId }: { role: Role; myCompanyId: string | null }) {
  return (
    <CompanyScopedPage role={role} myCompanyId={myCompanyId} id="keys-company">
      {(company) => <CompanyKeys key={company.id} company={company} role={role} />}
    </CompanyScopedPage>
  );
}

function CompanyKeys({ company, role }: { company: ScopedCompany; role: Role }) {
  const canManage = can(role, 'apiKey.create');
  const [fresh, setFresh] = useState<Created | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      {!canManage ? (
        <ReadOnlyNote>
          Read-only: owners, admins and the company’s client admin manage keys and the signing secret.
        </ReadOnlyNote>
      ) : null}
      <ApiKeys company={company} canManage={canManage} fresh={fresh} onCreated={setFresh} />
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <Signing company={company} canManage={canManage} onSecret={setSecret} />
        <CurlExample company={company} apiKey={fresh?.key} secret={secret} />
      </div>
      <Mappings company={company} canManage={canManage} />
    </div>
  );
}
