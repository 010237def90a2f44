// A throwaway self-signed certificate for 127.0.0.1 (openssl, at server start). kubectl and helm
// send a bearer token only over TLS, so the server speaks https (it also listens on a second port
// in plain http).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function selfSignedCert(dir: string): { key: string; cert: string } {
  const keyPath = path.join(dir, 'tls.key');
  const certPath = path.join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=fake-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}
