// The bare-Node reference for the ingest benchmark: what a webhook receiver costs with nothing but
// node:http, a JSON parse and an HMAC-SHA256 check (our signature scheme, constant-time compare).
// It answers 202 and stores nothing. `node --import tsx bench/reference-server.ts <port> <secret>`
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const port = Number(process.argv[2]);
const secret = process.argv[3] ?? '';

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return void res.end('ok');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const ts = String(req.headers['x-timestamp'] ?? '');
    const sig = String(req.headers['x-signature'] ?? '');
    const want = `sha256=${createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex')}`;
    const ok =
      sig.length === want.length &&
      timingSafeEqual(Buffer.from(sig), Buffer.from(want)) &&
      Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
    if (!ok) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end('{"error":"bad signature"}');
    }
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      res.writeHead(400);
      return void res.end();
    }
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end('{"accepted":true}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
