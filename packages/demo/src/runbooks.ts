// The launcher's demo wiring: install the shipped documents into each simulated company's fake
// account, and give the fake a plausible MSP-DiskCleanup output. Imported only by the launcher.
import { AwsRuntime } from '@aw/aws';
import type { CommandBehaviour } from '@aw/aws-fake';
import type { PrismaClient } from '@aw/db';
import { ensureRunbooks, installDocuments } from '@aw/runbooks';

export const demoCommandBehaviour: CommandBehaviour = ({ documentName, instanceId }) => {
  if (documentName !== 'MSP-DiskCleanup') return undefined;
  const n = Number.parseInt(instanceId.slice(-4), 16) || 1;
  const tmp = 180_000_000 + n * 1000;
  const logs = 1_240_000_000 + n * 10;
  return {
    status: 'Success',
    stdout: `freed ${tmp} bytes in /tmp\nfreed 0 bytes in /var/tmp\nfreed ${logs} bytes in /var/log\nskipped: /var/cache/apt/archives (no such directory)\nfreed 402653184 bytes in the systemd journal\nbytes_freed=${tmp + logs + 402_653_184}\n`,
  };
};

export async function installDemoRunbooks(
  prisma: PrismaClient,
  fake: { endpoint: string; accessKeyId: string; secretAccessKey: string },
  log: (line: string) => void = console.log,
): Promise<void> {
  const companies = await prisma.company.findMany({ where: { simulated: true, awsRoleArn: { not: null } } });
  const runtime = new AwsRuntime({ fake });
  try {
    for (const c of companies) {
      await ensureRunbooks(prisma, c.mspId);
      const r = await installDocuments({ prisma, runtime, companyId: c.id, actorId: null }).catch(
        (e: unknown) => {
          log(`▸ Runbook documents for ${c.name}: ${(e as Error).message}`);
          return [];
        },
      );
      if (r.length)
        log(
          `▸ Runbook documents in ${c.name}'s simulated account: ${r.map((d) => `${d.name} v${d.version}`).join(', ')}`,
        );
    }
  } finally {
    runtime.destroy();
  }
}
