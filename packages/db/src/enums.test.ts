// The schema's enums are the database's copy of the shared vocabulary in `@aw/core/domain`:
// this fails when one side gains or loses a value without the other.
import { ROLES, SEVERITIES, type Role as CoreRole, type Severity as CoreSeverity } from '@aw/core/domain';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Role, Severity } from './generated/prisma/enums.ts';

describe('Prisma enums and @aw/core/domain', () => {
  it('have the same roles and severities, in the same order', () => {
    expect(Object.values(Role)).toEqual([...ROLES]);
    expect(Object.values(Severity)).toEqual([...SEVERITIES]);
    expectTypeOf<Role>().toEqualTypeOf<CoreRole>();
    expectTypeOf<Severity>().toEqualTypeOf<CoreSeverity>();
  });
});
