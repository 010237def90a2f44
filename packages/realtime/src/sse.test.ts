import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { RealtimeEvent, RealtimeMessage } from './events.ts';
import type { RealtimeSource } from './hub.ts';
import type { EventLog } from './log.ts';
import { SseConnection, sseResponse, type SseSink } from './sse.ts';

const mspId = randomUUID();
const companyId = randomUUID();

function fakeSource(logged: RealtimeEvent[] = []) {
  const subs = new Set<(m: RealtimeMessage) => void>();
  const log = {
    maxId: async () => String(logged.length ? logged.at(-1)!.id : 0),
    after: async (after: string, _scope: unknown, limit: number) => {
      const events = logged.filter((e) => BigInt(e.id) > BigInt(after));
      return { events: events.slice(0, limit), complete: events.length <= limit };
    },
  } as unknown as EventLog;
  const source: RealtimeSource = {
    log,
    ready: async () => undefined,
    subscribe(l) {
      subs.add(l);
      return () => subs.delete(l);
    },
  };
  return { source, subs, emit: (m: RealtimeMessage) => subs.forEach((s) => s(m)) };
}

/** A sink whose consumer reads only when told to: `accept` bytes before reporting congestion. */
function fakeSink(accept: number) {
  const written: string[] = [];
  let budget = accept;
  let drain: (() => void) | null = null;
  let ended = false;
  const sink: SseSink = {
    write(chunk) {
      written.push(chunk);
      budget -= chunk.length;
      return budget > 0;
    },
    onDrain(cb) {
      drain = cb;
    },
    end() {
      ended = true;
    },
  };
  return {
    sink,
    written,
    ended: () => ended,
    read(bytes: number) {
      budget = bytes;
      const cb = drain;
      drain = null;
      cb?.();
    },
  };
}

let nextId = 1;
const event = (title: string, c: string | null = companyId, m = mspId): RealtimeEvent => ({
  id: String(nextId++),
  type: 'incident.created',
  mspId: m,
  companyId: c,
  payload: { incidentId: randomUUID(), title, severity: 'LOW', status: 'OPEN', alertCount: 1 },
  createdAt: new Date().toISOString(),
});

describe('SseConnection', () => {
  it('queues while the consumer is congested and flushes in order on drain', async () => {
    const { source, emit } = fakeSource();
    const s = fakeSink(10_000);
    const c = new SseConnection(source, s.sink, { mspId }, undefined, { heartbeatMs: 60_000 });
    await c.start(null);
    s.read(1); // next write congests
    const evs = ['a', 'b', 'c'].map((t) => event(t));
    for (const e of evs) emit(e);
    expect(c.stats.queuedBytes).toBeGreaterThan(0);
    s.read(1_000_000);
    expect(c.stats.queuedBytes).toBe(0);
    const frames = s.written.filter((w) => w.startsWith('id: ') && w.includes('event: incident'));
    expect(frames.map((f) => JSON.parse(f.split('data: ')[1]!).payload.title)).toEqual(['a', 'b', 'c']);
    c.close();
  });

  it('drops a consumer whose queue passes the limit and releases its memory and subscription', async () => {
    const { source, emit, subs } = fakeSource();
    const s = fakeSink(10_000);
    const c = new SseConnection(source, s.sink, { mspId }, undefined, {
      heartbeatMs: 60_000,
      maxQueueBytes: 64 * 1024,
    });
    await c.start(null);
    s.read(1);
    const big = 'y'.repeat(4096);
    for (let i = 0; i < 10_000 && !c.closed; i++) emit(event(big));
    expect(c.stats.closedReason).toBe('slow consumer (queue full)');
    expect(c.stats.peakQueuedBytes).toBeLessThanOrEqual(64 * 1024 + 5000);
    expect(c.stats.queuedBytes).toBe(0);
    expect(subs.size).toBe(0);
    expect(s.ended()).toBe(true);
  });

  it('drops a consumer that stays congested past the stall timeout', async () => {
    vi.useFakeTimers();
    try {
      const { source } = fakeSource();
      const s = fakeSink(1);
      const c = new SseConnection(source, s.sink, { mspId }, undefined, {
        heartbeatMs: 1000,
        stallTimeoutMs: 5000,
      });
      await c.start(null);
      vi.advanceTimersByTime(7000);
      expect(c.stats.closedReason).toBe('slow consumer (stalled)');
    } finally {
      vi.useRealTimers();
    }
  });

  it('filters by scope and by the narrowed company', async () => {
    const { source, emit } = fakeSource();
    const s = fakeSink(1e9);
    const other = randomUUID();
    const c = new SseConnection(source, s.sink, { mspId }, companyId, { heartbeatMs: 60_000 });
    await c.start(null);
    emit(event('mine'));
    emit(event('sibling', other));
    emit(event('msp-wide', null));
    emit(event('foreign', randomUUID(), randomUUID()));
    const titles = s.written
      .filter((w) => w.includes('event: incident'))
      .map((f) => JSON.parse(f.split('data: ')[1]!).payload.title);
    expect(titles).toEqual(['mine']);
    c.close();
  });

  it('ends the stream when revalidation says access was removed', async () => {
    vi.useFakeTimers();
    try {
      const { source } = fakeSource();
      const s = fakeSink(1e9);
      let allowed = true;
      const c = new SseConnection(source, s.sink, { mspId }, undefined, {
        heartbeatMs: 60_000,
        revalidateMs: 1000,
        revalidate: async () => allowed,
      });
      await c.start(null);
      await vi.advanceTimersByTimeAsync(1500);
      expect(c.closed).toBe(false);
      allowed = false;
      await vi.advanceTimersByTimeAsync(1000);
      expect(c.stats.closedReason).toBe('access revoked');
    } finally {
      vi.useRealTimers();
    }
  });

  it('replays from the log, then skips the same events if the fan-out delivers them late', async () => {
    const logged = [event('one'), event('two'), event('three')];
    const { source, emit } = fakeSource(logged);
    const s = fakeSink(1e9);
    const c = new SseConnection(source, s.sink, { mspId }, undefined, { heartbeatMs: 60_000 });
    await c.start(logged[0]!.id);
    emit(logged[1]!);
    emit(logged[2]!);
    const later = event('four');
    emit(later);
    const titles = s.written
      .filter((w) => w.includes('event: incident'))
      .map((f) => JSON.parse(f.split('data: ')[1]!).payload.title);
    expect(titles).toEqual(['two', 'three', 'four']);
    c.close();
  });

  describe('sseResponse (the web-stream form a Next.js route returns)', () => {
    const decoder = new TextDecoder();

    it('streams ready and scoped events with SSE headers, and releases everything on cancel', async () => {
      const { source, emit, subs } = fakeSource();
      const res = sseResponse({ source, ctx: { scope: { mspId, companyId } }, lastEventId: null });
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
      emit(event('theirs', randomUUID()));
      emit(event('ours'));
      while (!text.includes('ours')) text += decoder.decode((await reader.read()).value);
      expect(text).not.toContain('theirs');
      expect(subs.size).toBe(1);
      await reader.cancel();
      expect(subs.size).toBe(0);
    });

    it('bounds memory when the reader stops reading', async () => {
      const { source, emit, subs } = fakeSource();
      const res = sseResponse({
        source,
        ctx: { scope: { mspId } },
        lastEventId: null,
        options: { maxQueueBytes: 128 * 1024, heartbeatMs: 60_000 },
        highWaterMark: 32 * 1024,
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
      const big = 'z'.repeat(8192);
      for (let i = 0; i < 1000 && subs.size > 0; i++) emit(event(big));
      expect(subs.size).toBe(0); // dropped: about 32 KiB in the stream + 128 KiB queued, not 8 MB
      let received = 0;
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        received += r.value.byteLength;
      }
      expect(received).toBeLessThan(64 * 1024);
    });

    it('ends the stream when the request is aborted', async () => {
      const { source, subs } = fakeSource();
      const ac = new AbortController();
      const res = sseResponse({ source, ctx: { scope: { mspId } }, lastEventId: null, signal: ac.signal });
      const reader = res.body!.getReader();
      await reader.read();
      await vi.waitFor(() => expect(subs.size).toBe(1));
      ac.abort();
      expect(subs.size).toBe(0);
      let done = false;
      while (!done) done = (await reader.read()).done;
    });
  });
});
