// S3 PutObject, path-style (`PUT /<bucket>/<key>`, what the SDK sends with forcePathStyle to a
// loopback endpoint), SigV4-signed for service `s3`. Errors are S3's XML documents.
import { createHash } from 'node:crypto';
import type { Caller, ServiceContext } from './context.ts';
import type { FakeBucket } from './state.ts';
import { AwsError } from './wire.ts';

export interface S3Request {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Splits `/bucket/key…` (decoded); throws S3's error for anything but an object PUT. */
function target(req: S3Request): { bucket: string; key: string } {
  const [, bucket = '', ...rest] = req.path.split('/');
  const key = rest.map((s) => decodeURIComponent(s)).join('/');
  if (req.method !== 'PUT' || !bucket || !key)
    throw new AwsError('NotImplemented', 'The fake S3 implements only PutObject (path-style).', 501);
  return { bucket: decodeURIComponent(bucket), key };
}

export function s3(svc: ServiceContext, caller: Caller, req: S3Request): { etag: string } {
  const { bucket, key } = target(req);
  const owner = Object.values(svc.state.accounts).find((a) => a.buckets?.[bucket]);
  const b: FakeBucket | undefined = owner?.buckets?.[bucket];
  if (!b || !owner) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
  svc.authorize(caller, 's3:PutObject', `arn:aws:s3:::${bucket}/${key}`);
  // A bucket in another account takes writes only through a bucket policy; the fake has none.
  if (owner.id !== caller.account.id) throw new AwsError('AccessDenied', 'Access Denied', 403);
  if (key.length > 1024) throw new AwsError('KeyTooLongError', 'Your key is too long', 400);
  const etag = `"${createHash('md5').update(req.body).digest('hex')}"`;
  const type = req.headers['content-type'];
  b.objects[key] = {
    body: req.body.toString('utf8'),
    contentType: Array.isArray(type) ? type[0] : type,
    etag,
    lastModified: svc.now(),
  };
  return { etag };
}

export function s3ErrorXml(code: string, message: string, requestId: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${esc(message)}</Message><RequestId>${requestId}</RequestId></Error>`;
}
