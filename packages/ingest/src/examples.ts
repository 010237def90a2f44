// What the portal shows a client admin: a signed curl command that matches the verifier.

export interface SignedCurlOptions {
  /** e.g. https://aw.example.com */
  baseUrl: string;
  /** The API key, or a placeholder. */
  apiKey?: string;
  /** The company's signing secret, or a placeholder. */
  secret?: string;
  /** JSON body to send; defaults to one test alert. */
  body?: unknown;
  path?: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A POSIX shell snippet: signs the body with openssl at run time (so the timestamp is fresh) and
 * posts it with curl. The same text is in docs/AWS_INTEGRATION_GUIDE.md.
 */
export function signedCurlExample(o: SignedCurlOptions): string {
  const body = JSON.stringify(
    o.body ?? {
      asset: 'web-01',
      signature: 'disk_full',
      severity: 'high',
      summary: 'Disk / is 95% full',
      labels: { env: 'prod' },
    },
  );
  const url = `${o.baseUrl.replace(/\/+$/, '')}${o.path ?? '/api/v1/alerts'}`;
  return [
    `API_KEY=${shellQuote(o.apiKey ?? 'awk_…')}`,
    `SECRET=${shellQuote(o.secret ?? 'whsec_…')}`,
    `BODY=${shellQuote(body)}`,
    `TS=$(date +%s)`,
    `SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')`,
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-API-Key: $API_KEY" \\`,
    `  -H "X-Timestamp: $TS" \\`,
    `  -H "X-Signature: sha256=$SIG" \\`,
    `  --data-binary "$BODY"`,
  ].join('\n');
}
