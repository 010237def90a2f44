import { AppError } from '@aw/core/errors';
import { hashPassword, passwordProblem } from '@aw/core/password';
import type { PrismaClient } from '@aw/db';
import { audit } from './audit.ts';

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'msp'
  );
}

export interface SignUpInput {
  mspName: string;
  name: string;
  email: string;
  password: string;
}

/** Creates a new MSP and its owner in one transaction. */
export async function signUp(prisma: PrismaClient, input: SignUpInput) {
  const email = input.email.trim().toLowerCase();
  const problem = passwordProblem(input.password);
  if (problem)
    throw new AppError('BAD_REQUEST', `password ${problem}`, [{ field: 'password', reason: problem }]);
  if (await prisma.user.findUnique({ where: { email } })) {
    throw new AppError('CONFLICT', 'an account with this email already exists', [
      { field: 'email', reason: 'already registered' },
    ]);
  }
  const passwordHash = await hashPassword(input.password);
  const base = slugify(input.mspName);
  return prisma.$transaction(async (tx) => {
    let slug = base;
    for (let i = 2; await tx.msp.findUnique({ where: { slug } }); i++) slug = `${base}-${i}`;
    const msp = await tx.msp.create({ data: { name: input.mspName.trim(), slug } });
    const user = await tx.user.create({ data: { email, name: input.name.trim(), passwordHash } });
    await tx.membership.create({ data: { userId: user.id, mspId: msp.id, role: 'OWNER' } });
    await audit(tx, {
      mspId: msp.id,
      actorId: user.id,
      action: 'msp.created',
      targetType: 'msp',
      targetId: msp.id,
    });
    return { mspId: msp.id, userId: user.id };
  });
}
