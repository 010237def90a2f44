import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskQueue, QueueFullError, RECORD_HEADER_BYTES, scanSegment } from './disk-queue.ts';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-dq-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

const rec = (i: number) => Buffer.from(JSON.stringify({ i, body: 'y'.repeat(i % 97) }));

async function all(q: DiskQueue): Promise<number[]> {
  return (await q.read(q.ackedThrough, 1e9)).map((r) => JSON.parse(r.data.toString()).i as number);
}

async function segmentFiles(dir: string) {
  return (await fs.readdir(dir)).filter((f) => f.endsWith('.seg')).sort();
}

// A tiny deterministic PRNG so a failure can be replayed.
function prng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

describe('DiskQueue', () => {
  it('keeps records in order across reopen, and ack survives a restart', async () => {
    const dir = await tmp();
    let q = await DiskQueue.open(dir, { maxBytes: 1 << 20, segmentBytes: 512 });
    for (let i = 0; i < 50; i += 5) await q.append([0, 1, 2, 3, 4].map((k) => rec(i + k)));
    expect(q.depth).toBe(50);
    await q.ack(20);
    await q.close();
    q = await DiskQueue.open(dir, { maxBytes: 1 << 20, segmentBytes: 512 });
    expect(q.depth).toBe(30);
    expect(await all(q)).toEqual(Array.from({ length: 30 }, (_, k) => k + 20));
    const r = await q.append([rec(50)]);
    expect(r).toEqual({ first: 50, last: 50 });
    await q.close();
  });

  it('deletes segments once every record in them is acknowledged', async () => {
    const dir = await tmp();
    const q = await DiskQueue.open(dir, { maxBytes: 1 << 20, segmentBytes: 256 });
    for (let i = 0; i < 40; i++) await q.append([rec(i)]);
    const before = await segmentFiles(dir);
    expect(before.length).toBeGreaterThan(3);
    await q.ack(40);
    expect((await segmentFiles(dir)).length).toBe(1);
    expect(q.depth).toBe(0);
    expect(q.bytes).toBe(0);
    await q.close();
  });

  it('concurrent appends share a commit yet keep call order and contiguous sequence numbers', async () => {
    const q = await DiskQueue.open(await tmp(), { maxBytes: 1 << 20 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => q.append([rec(i * 2), rec(i * 2 + 1)])),
    );
    results.forEach((r, i) => expect(r).toEqual({ first: i * 2, last: i * 2 + 1 }));
    expect(await all(q)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await q.close();
  });

  it('is bounded by bytes: a batch that does not fit is refused whole, and fits again after an ack', async () => {
    const one = rec(1).length + RECORD_HEADER_BYTES;
    const q = await DiskQueue.open(await tmp(), { maxBytes: one * 3 });
    await q.append([rec(1), rec(1)]);
    await expect(q.append([rec(1), rec(1)])).rejects.toBeInstanceOf(QueueFullError);
    expect(q.depth).toBe(2);
    await q.append([rec(1)]);
    await expect(q.append([rec(1)])).rejects.toBeInstanceOf(QueueFullError);
    await q.ack(2);
    await q.append([rec(1), rec(1)]);
    expect(q.depth).toBe(3);
    await q.close();
  });

  it('a crash mid-write (file cut at any byte after the accepted records) loses no accepted record and drops the torn one', async () => {
    const random = prng(20261128);
    for (let round = 0; round < 150; round++) {
      const dir = await tmp();
      const q = await DiskQueue.open(dir, { maxBytes: 1 << 20, segmentBytes: 1 << 20 });
      const accepted = 1 + Math.floor(random() * 20);
      for (let i = 0; i < accepted; i++) await q.append([rec(i)]);
      if (round % 3 === 0) await q.ack(Math.floor(random() * accepted));
      const acked = q.ackedThrough;
      // Records being written when the process died: on disk in full, partly or not at all.
      const inflight = 1 + Math.floor(random() * 4);
      await q.append(Array.from({ length: inflight }, (_, k) => rec(accepted + k)));
      await q.close();
      const [seg] = await segmentFiles(dir);
      const file = path.join(dir, seg!);
      const full = await fs.readFile(file);
      const acceptedEnd = scanSegment(full).records[accepted - 1]!;
      const boundary = acceptedEnd.pos + acceptedEnd.len;
      const cut = boundary + Math.floor(random() * (full.length - boundary + 1));
      await fs.truncate(file, cut);
      const expectSurvivors = scanSegment(full.subarray(0, cut)).records.length;

      const r = await DiskQueue.open(dir, { maxBytes: 1 << 20 });
      const got = await all(r);
      expect(got).toEqual(Array.from({ length: expectSurvivors - acked }, (_, k) => k + acked));
      expect(expectSurvivors).toBeGreaterThanOrEqual(accepted);
      // The queue goes on after the torn tail: new records follow the survivors.
      const next = await r.append([rec(1000)]);
      expect(next.first).toBe(expectSurvivors);
      expect((await r.read(next.first, 1))[0]!.data.equals(rec(1000))).toBe(true);
      await r.close();
    }
  });

  it('a record whose bytes were corrupted after its header is dropped (CRC), the ones before stay', async () => {
    const dir = await tmp();
    const q = await DiskQueue.open(dir, { maxBytes: 1 << 20 });
    await q.append([rec(0), rec(1), rec(2)]);
    await q.close();
    const file = path.join(dir, (await segmentFiles(dir))[0]!);
    const buf = await fs.readFile(file);
    buf[buf.length - 2] = buf[buf.length - 2]! ^ 0xff;
    await fs.writeFile(file, buf);
    const r = await DiskQueue.open(dir, { maxBytes: 1 << 20 });
    expect(await all(r)).toEqual([0, 1]);
    await r.close();
  });

  it('SIGKILL of a writing process loses nothing it acknowledged', async () => {
    const dir = await tmp();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'testing/queue-writer.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (out.split('\n').length > 400) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const acknowledged = out
      .split('\n')
      .filter((l) => /^\d+-\d+$/.test(l))
      .map((l) => l.split('-').map(Number) as [number, number]);
    const maxSeq = Math.max(...acknowledged.map(([, last]) => last));
    const q = await DiskQueue.open(dir, { maxBytes: 1 << 30 });
    const records = await q.read(0, 1e9);
    expect(records.length).toBeGreaterThan(maxSeq);
    // Record n holds {n}: every acknowledged one is there with its own content, in order.
    records.forEach((r, i) => {
      expect(r.seq).toBe(i);
      expect(JSON.parse(r.data.toString()).n).toBe(i);
    });
    await q.close();
  });
});
