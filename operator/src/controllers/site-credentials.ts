// A Site's upstream credentials, read from the Secrets its spec names.
import type { Site } from '../api/v1alpha1/index.ts';
import type { Kube } from '../runtime/kube.ts';
import type { UpstreamCredentials } from '../upstream/client.ts';

export class CredentialsError extends Error {
  constructor(
    readonly reason: 'SecretMissing' | 'SecretKeyMissing',
    message: string,
  ) {
    super(message);
  }
}

async function secretValue(
  kube: Kube,
  namespace: string,
  ref: { name: string; key?: string },
  fallbackKey: string,
) {
  const key = ref.key || fallbackKey;
  const s = await kube.getSecret(namespace, ref.name);
  if (!s) throw new CredentialsError('SecretMissing', `Secret ${namespace}/${ref.name} not found`);
  const b64 = s.data?.[key];
  const value = b64 !== undefined ? Buffer.from(b64, 'base64').toString('utf8') : s.stringData?.[key];
  if (!value?.trim())
    throw new CredentialsError('SecretKeyMissing', `Secret ${namespace}/${ref.name} has no key ${key}`);
  return value.trim();
}

export async function siteCredentials(kube: Kube, site: Site): Promise<UpstreamCredentials> {
  const ns = site.metadata.namespace!;
  return {
    url: site.spec.upstreamURL,
    apiKey: await secretValue(kube, ns, site.spec.apiKeySecretRef, 'apiKey'),
    hmacSecret: await secretValue(kube, ns, site.spec.hmacSecretRef, 'hmacSecret'),
  };
}
