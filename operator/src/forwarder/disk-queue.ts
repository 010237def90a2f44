// A durable FIFO of records on disk (the operator's PVC). append() resolves only after the bytes are
// fdatasync'ed, so a 2xx to a sender always means "on disk". Concurrent appends share one write and
// one fsync (group commit).
//
// Layout: segment files `<first seq, 20 digits>.seg` holding records `[u32 length][u32 crc32][bytes]`
// (big-endian), and `ack` (written to a temp file, fsynced, renamed) holding the first sequence
// number not yet delivered. On open, every segment is scanned: a record whose length runs past the
// end of the file or whose CRC does not match is a torn write from a crash, and the file is cut
// there. Such a record was never acknowledged (its fsync had not returned), so nothing accepted is
// lost. Bounded by bytes: an append that would pass `maxBytes` fails with QueueFullError.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

export const RECORD_HEADER_BYTES = 8;
const SEGMENT_RE = /^(\d{20})\.seg$/;

export class QueueFullError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`queue full: ${bytes} of ${maxBytes} bytes in use`);
  }
}

export interface QueuedRecord {
  seq: number;
  data: Buffer;
}

interface Entry {
  seq: number;
  segment: number;
  pos: number;
  len: number;
}

interface Segment {
  start: number;
  file: string;
  size: number;
  lastSeq: number;
}

interface PendingAppend {
  payloads: Buffer[];
  bytes: number;
  resolve: (r: { first: number; last: number }) => void;
  reject: (e: Error) => void;
}

export interface DiskQueueOptions {
  maxBytes: number;
  segmentBytes?: number;
  /** Called for each torn or corrupt tail found while opening (for logs). */
  onRecovery?: (info: { file: string; keptBytes: number; droppedBytes: number; reason: string }) => void;
}

const segName = (start: number) => `${String(start).padStart(20, '0')}.seg`;

function frame(payload: Buffer): Buffer {
  const b = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  b.writeUInt32BE(payload.length, 0);
  b.writeUInt32BE(crc32(payload) >>> 0, 4);
  payload.copy(b, RECORD_HEADER_BYTES);
  return b;
}

/** Parses records from a segment's bytes; stops at the first torn or corrupt one. */
export function scanSegment(buf: Buffer): {
  records: { pos: number; len: number }[];
  validBytes: number;
  reason?: string;
} {
  const records: { pos: number; len: number }[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < RECORD_HEADER_BYTES) return { records, validBytes: pos, reason: 'torn header' };
    const len = buf.readUInt32BE(pos);
    const crc = buf.readUInt32BE(pos + 4);
    const end = pos + RECORD_HEADER_BYTES + len;
    if (end > buf.length) return { records, validBytes: pos, reason: 'torn record' };
    if (crc32(buf.subarray(pos + RECORD_HEADER_BYTES, end)) >>> 0 !== crc)
      return { records, validBytes: pos, reason: 'crc mismatch' };
    records.push({ pos: pos + RECORD_HEADER_BYTES, len });
    pos = end;
  }
  return { records, validBytes: pos };
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Replaces `name` in `dir` atomically and durably (temp file, fsync, rename, fsync the directory). */
export async function writeFileDurable(dir: string, name: string, data: string | Buffer): Promise<void> {
  const tmp = path.join(dir, `.${name}.tmp`);
  const h = await fs.open(tmp, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(tmp, path.join(dir, name));
  await fsyncDir(dir);
}

export class DiskQueue {
  private entries: Entry[] = [];
  private head = 0;
  private segments = new Map<number, Segment>();
  private current!: Segment;
  private fd!: fs.FileHandle;
  private nextSeq = 0;
  private ackedNext = 0;
  private usedBytes = 0;
  private reservedBytes = 0;
  private pending: PendingAppend[] = [];
  private flushing = false;
  private broken: Error | null = null;
  private closed = false;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;

  private constructor(
    readonly dir: string,
    o: DiskQueueOptions,
  ) {
    this.maxBytes = o.maxBytes;
    this.segmentBytes = o.segmentBytes ?? 8 * 1024 * 1024;
  }

  static async open(dir: string, o: DiskQueueOptions): Promise<DiskQueue> {
    await fs.mkdir(dir, { recursive: true });
    const q = new DiskQueue(dir, o);
    await q.recover(o.onRecovery);
    return q;
  }

  /** Records accepted and not yet acknowledged as delivered. */
  get depth(): number {
    return this.entries.length - this.head;
  }

  /** Bytes on disk of records not yet delivered (what the bound applies to). */
  get bytes(): number {
    return this.usedBytes;
  }

  get capacityBytes(): number {
    return this.maxBytes;
  }

  /** The first sequence number not yet acknowledged. */
  get ackedThrough(): number {
    return this.ackedNext;
  }

  /** True when `extraBytes` more would not fit. */
  wouldOverflow(extraBytes: number): boolean {
    return this.usedBytes + this.reservedBytes + extraBytes > this.maxBytes;
  }

  private async recover(onRecovery: DiskQueueOptions['onRecovery']): Promise<void> {
    try {
      const a = JSON.parse(await fs.readFile(path.join(this.dir, 'ack'), 'utf8')) as { next?: unknown };
      if (typeof a.next === 'number' && Number.isSafeInteger(a.next) && a.next >= 0) this.ackedNext = a.next;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const starts = (await fs.readdir(this.dir))
      .map((f) => SEGMENT_RE.exec(f))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    let next = 0;
    for (const start of starts) {
      const file = path.join(this.dir, segName(start));
      const buf = await fs.readFile(file);
      const scan = scanSegment(buf);
      if (scan.validBytes < buf.length) {
        // A torn tail: cut it off so later appends do not follow garbage.
        await fs.truncate(file, scan.validBytes);
        onRecovery?.({
          file,
          keptBytes: scan.validBytes,
          droppedBytes: buf.length - scan.validBytes,
          reason: scan.reason ?? 'corrupt',
        });
      }
      // Sequence numbers never go backwards, even if a segment name were out of line.
      const first = Math.max(start, next);
      const lastSeq = first + scan.records.length - 1;
      if (scan.records.length === 0 || lastSeq < this.ackedNext) {
        await fs.rm(file, { force: true });
        next = Math.max(next, first + scan.records.length);
        continue;
      }
      const seg: Segment = { start, file, size: scan.validBytes, lastSeq };
      this.segments.set(start, seg);
      scan.records.forEach((r, i) => {
        const seq = first + i;
        if (seq < this.ackedNext) return;
        this.entries.push({ seq, segment: start, pos: r.pos, len: r.len });
        this.usedBytes += r.len + RECORD_HEADER_BYTES;
      });
      next = lastSeq + 1;
    }
    this.nextSeq = Math.max(next, this.ackedNext);
    const last = [...this.segments.values()].at(-1);
    if (last && last.lastSeq + 1 === this.nextSeq && last.size < this.segmentBytes) {
      this.current = last;
      this.fd = await fs.open(last.file, 'a');
    } else {
      await this.newSegment();
    }
    await fsyncDir(this.dir);
  }

  private async newSegment(): Promise<void> {
    const start = this.nextSeq;
    const file = path.join(this.dir, segName(start));
    if (this.fd) await this.fd.close();
    this.fd = await fs.open(file, 'a');
    this.current = { start, file, size: 0, lastSeq: start - 1 };
    this.segments.set(start, this.current);
    await fsyncDir(this.dir);
  }

  /**
   * Appends records durably, in order, and resolves with their sequence numbers once fsynced.
   * All or nothing: a batch that does not fit is refused whole (QueueFullError).
   */
  append(payloads: Buffer[]): Promise<{ first: number; last: number }> {
    if (this.closed) return Promise.reject(new Error('queue closed'));
    if (this.broken) return Promise.reject(this.broken);
    if (payloads.length === 0) return Promise.resolve({ first: this.nextSeq, last: this.nextSeq - 1 });
    const bytes = payloads.reduce((n, p) => n + p.length + RECORD_HEADER_BYTES, 0);
    if (this.wouldOverflow(bytes))
      return Promise.reject(new QueueFullError(this.usedBytes + this.reservedBytes, this.maxBytes));
    this.reservedBytes += bytes;
    return new Promise((resolve, reject) => {
      this.pending.push({ payloads, bytes, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0);
        await this.writeBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    const bytes = batch.reduce((n, p) => n + p.bytes, 0);
    try {
      if (this.broken) throw this.broken;
      if (this.current.size >= this.segmentBytes) await this.newSegment();
      const seg = this.current;
      const startSize = seg.size;
      const frames: Buffer[] = [];
      const added: Entry[] = [];
      let pos = startSize;
      let seq = this.nextSeq;
      for (const p of batch)
        for (const payload of p.payloads) {
          frames.push(frame(payload));
          added.push({ seq: seq++, segment: seg.start, pos: pos + RECORD_HEADER_BYTES, len: payload.length });
          pos += payload.length + RECORD_HEADER_BYTES;
        }
      const buf = Buffer.concat(frames);
      try {
        let off = 0;
        while (off < buf.length) {
          const { bytesWritten } = await this.fd.write(buf, off, buf.length - off);
          off += bytesWritten;
        }
        await this.fd.datasync();
      } catch (e) {
        // Undo a partial write so the file never holds records we refused.
        try {
          await this.fd.truncate(startSize);
          await this.fd.datasync();
        } catch (e2) {
          this.broken = new Error(`queue unusable: ${(e2 as Error).message}`);
        }
        throw e;
      }
      seg.size = pos;
      seg.lastSeq = seq - 1;
      let first = this.nextSeq;
      this.nextSeq = seq;
      this.entries.push(...added);
      this.usedBytes += bytes;
      this.reservedBytes -= bytes;
      for (const p of batch) {
        p.resolve({ first, last: first + p.payloads.length - 1 });
        first += p.payloads.length;
      }
    } catch (e) {
      this.reservedBytes -= bytes;
      for (const p of batch) p.reject(e as Error);
    }
  }

  /** Up to `maxRecords` records (and about `maxBytes`, at least one) from `fromSeq` on, in order. */
  async read(fromSeq: number, maxRecords: number, maxBytes = Infinity): Promise<QueuedRecord[]> {
    let i = this.indexOf(fromSeq);
    const out: QueuedRecord[] = [];
    let size = 0;
    const handles = new Map<number, fs.FileHandle>();
    try {
      for (; i < this.entries.length && out.length < maxRecords; i++) {
        const e = this.entries[i]!;
        if (out.length > 0 && size + e.len > maxBytes) break;
        let h = handles.get(e.segment);
        if (!h) {
          h = await fs.open(this.segments.get(e.segment)!.file, 'r');
          handles.set(e.segment, h);
        }
        const data = Buffer.allocUnsafe(e.len);
        await h.read(data, 0, e.len, e.pos);
        out.push({ seq: e.seq, data });
        size += e.len;
      }
    } finally {
      for (const h of handles.values()) await h.close();
    }
    return out;
  }

  private indexOf(seq: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Marks every record before `nextSeq` delivered (durably), and deletes segments no longer needed. */
  async ack(nextSeq: number): Promise<void> {
    if (nextSeq <= this.ackedNext) return;
    await writeFileDurable(this.dir, 'ack', JSON.stringify({ next: nextSeq }));
    this.ackedNext = nextSeq;
    const end = this.indexOf(nextSeq);
    for (let i = this.head; i < end; i++) this.usedBytes -= this.entries[i]!.len + RECORD_HEADER_BYTES;
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    for (const seg of [...this.segments.values()]) {
      if (seg === this.current || seg.lastSeq >= nextSeq) continue;
      await fs.rm(seg.file, { force: true });
      this.segments.delete(seg.start);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing || this.pending.length) await new Promise((r) => setTimeout(r, 5));
    await this.fd.close();
  }
}
