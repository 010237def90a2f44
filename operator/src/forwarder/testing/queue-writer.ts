// Test helper process: appends records to a DiskQueue as fast as it can and prints each sequence
// number once append() resolved (= fsynced). The crash test SIGKILLs it mid-stream.
import { DiskQueue } from '../disk-queue.ts';

const dir = process.argv[2]!;
const q = await DiskQueue.open(dir, { maxBytes: 1 << 30, segmentBytes: 64 * 1024 });
let n = 0;
for (;;) {
  const batch = Array.from({ length: 1 + (n % 5) }, (_, i) =>
    Buffer.from(JSON.stringify({ n: n + i, pad: 'x'.repeat((n + i) % 300) })),
  );
  n += batch.length;
  // Several appends in flight at once exercise the group commit.
  const pending = [q.append(batch.slice(0, 1)), q.append(batch.slice(1))];
  for (const p of pending) {
    const r = await p;
    if (r.last >= r.first) process.stdout.write(`${r.first}-${r.last}\n`);
  }
}
