// The schema's enums are the database's copy of the shared vocabulary in `@aw/core/domain`:
// this fails when one side gains or loses a value without the other.
import {
  INCIDENT_STATUSES,
  ROLES,
  SEVERITIES,
  type IncidentStatus as CoreIncidentStatus,
  type Role as CoreRole,
  type Severity as CoreSeverity,
} from '@aw/core/domain';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { IncidentStatus, Role, Severity } from './generated/prisma/enums.ts';

describe('Prisma enums and @aw/core/domain', () => {
  it('have the same roles, severities and incident statuses, in the same order', () => {
    expect(Object.values(Role)).toEqual([...ROLES]);
    expect(Object.values(Severity)).toEqual([...SEVERITIES]);
    expect(Object.values(IncidentStatus)).toEqual([...INCIDENT_STATUSES]);
    expectTypeOf<Role>().toEqualTypeOf<CoreRole>();
    expectTypeOf<Severity>().toEqualTypeOf<CoreSeverity>();
    expectTypeOf<IncidentStatus>().toEqualTypeOf<CoreIncidentStatus>();
  });
});
