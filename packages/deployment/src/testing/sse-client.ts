// A live-updates subscriber as a browser's EventSource is one: GET /api/realtime/stream with the
// session cookie, frames parsed as they arrive, resumable with Last-Event-ID.
export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseSubscriber {
  frames: SseFrame[];
  /** The id of the last frame that carried one (what a reconnect sends as Last-Event-ID). */
  lastEventId(): string | undefined;
  /** Resolves when the stream ends (server gone or closed). */
  ended: Promise<void>;
  close(): void;
}

export async function subscribe(
  base: string,
  cookie: string,
  o: { lastEventId?: string } = {},
): Promise<SseSubscriber> {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/realtime/stream`, {
    headers: {
      cookie,
      accept: 'text/event-stream',
      ...(o.lastEventId ? { 'last-event-id': o.lastEventId } : {}),
    },
    signal: ctrl.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`SSE ${base}: ${res.status} ${await res.text()}`);
  const frames: SseFrame[] = [];
  let last = o.lastEventId;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buf = '';
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      buf += chunk.value;
      let at: number;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const raw = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const f: SseFrame = { event: 'message', data: '' };
        for (const line of raw.split('\n')) {
          const i = line.indexOf(':');
          if (i <= 0) continue; // comments (heartbeats) and blank lines
          const k = line.slice(0, i);
          const v = line.slice(i + 1).replace(/^ /, '');
          if (k === 'id') f.id = v;
          else if (k === 'event') f.event = v;
          else if (k === 'data') f.data += v;
        }
        if (f.id) last = f.id;
        frames.push(f);
      }
    }
  })();
  return {
    frames,
    lastEventId: () => last,
    ended,
    close: () => ctrl.abort(),
  };
}
