// Go clients built on typed clientsets (helm's release storage, `kubectl create secret`) send
// request bodies as Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), even though
// they accept JSON answers. This decodes the few kinds they write that way into JSON objects:
// Secret, ConfigMap, Namespace and DeleteOptions. Field numbers are those of the Kubernetes
// `generated.proto` files (k8s.io/api/core/v1, k8s.io/apimachinery/pkg/apis/meta/v1).
import { ApiError } from './errors.ts';

type Field = { no: number; wire: number; value: bigint | Buffer };

function varint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new ApiError(400, 'BadRequest', 'truncated protobuf body');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p] = varint(buf, pos);
    pos = p;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, q] = varint(buf, pos);
      out.push({ no, wire, value: v });
      pos = q;
    } else if (wire === 2) {
      const [len, q] = varint(buf, pos);
      out.push({ no, wire, value: buf.subarray(q, q + Number(len)) });
      pos = q + Number(len);
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new ApiError(400, 'BadRequest', `unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');
const num = (f: Field) => Number(BigInt.asIntN(64, f.value as bigint));
const map = (fs: Field[], no: number, asBytes = false): Record<string, string> | undefined => {
  const entries = fs.filter((f) => f.no === no);
  if (!entries.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e.value as Buffer);
    const k = kv.find((x) => x.no === 1);
    const v = kv.find((x) => x.no === 2);
    out[k ? str(k) : ''] = v ? (asBytes ? (v.value as Buffer).toString('base64') : str(v)) : '';
  }
  return out;
};
const one = (fs: Field[], no: number) => fs.filter((f) => f.no === no).pop();
const text = (fs: Field[], no: number) => {
  const f = one(fs, no);
  return f ? str(f) : undefined;
};
const strings = (fs: Field[], no: number) => fs.filter((f) => f.no === no).map(str);

function time(f: Field | undefined): string | undefined {
  if (!f) return undefined;
  const s = one(fields(f.value as Buffer), 1);
  return new Date((s ? num(s) : 0) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const fs = fields(buf);
  const meta: Record<string, unknown> = {};
  const s = (no: number, key: string) => {
    const f = one(fs, no);
    if (f) meta[key] = str(f);
  };
  s(1, 'name');
  s(2, 'generateName');
  s(3, 'namespace');
  s(5, 'uid');
  s(6, 'resourceVersion');
  const gen = one(fs, 7);
  if (gen) meta.generation = num(gen);
  const labels = map(fs, 11);
  if (labels) meta.labels = labels;
  const annotations = map(fs, 12);
  if (annotations) meta.annotations = annotations;
  const refs = fs
    .filter((f) => f.no === 13)
    .map((f) => {
      const r = fields(f.value as Buffer);
      const b = (no: number) => (one(r, no) ? Boolean(one(r, no)?.value) : undefined);
      return {
        kind: text(r, 1),
        name: text(r, 3),
        uid: text(r, 4),
        apiVersion: text(r, 5),
        controller: b(6),
        blockOwnerDeletion: b(7),
      };
    });
  if (refs.length) meta.ownerReferences = refs;
  const finalizers = strings(fs, 14);
  if (finalizers.length) meta.finalizers = finalizers;
  const created = time(one(fs, 8));
  if (created) meta.creationTimestamp = created;
  return meta;
}

const DECODERS: Record<string, (fs: Field[]) => Record<string, unknown>> = {
  'v1/Secret': (fs) => {
    const o: Record<string, unknown> = {
      metadata: objectMeta((one(fs, 1)?.value as Buffer) ?? Buffer.alloc(0)),
    };
    const data = map(fs, 2, true);
    if (data) o.data = data;
    const type = one(fs, 3);
    if (type) o.type = str(type);
    const stringData = map(fs, 4);
    if (stringData) o.stringData = stringData;
    const immutable = one(fs, 5);
    if (immutable) o.immutable = Boolean(immutable.value);
    return o;
  },
  'v1/ConfigMap': (fs) => {
    const o: Record<string, unknown> = {
      metadata: objectMeta((one(fs, 1)?.value as Buffer) ?? Buffer.alloc(0)),
    };
    const data = map(fs, 2);
    if (data) o.data = data;
    const binaryData = map(fs, 3, true);
    if (binaryData) o.binaryData = binaryData;
    return o;
  },
  'v1/Namespace': (fs) => {
    const o: Record<string, unknown> = {
      metadata: objectMeta((one(fs, 1)?.value as Buffer) ?? Buffer.alloc(0)),
    };
    const spec = one(fs, 2);
    if (spec) o.spec = { finalizers: strings(fields(spec.value as Buffer), 1) };
    return o;
  },
  'v1/DeleteOptions': (fs) => {
    const o: Record<string, unknown> = {};
    const grace = one(fs, 1);
    if (grace) o.gracePeriodSeconds = num(grace);
    const pre = one(fs, 2);
    if (pre) {
      const p = fields(pre.value as Buffer);
      o.preconditions = { uid: text(p, 1), resourceVersion: text(p, 2) };
    }
    const policy = one(fs, 4);
    if (policy) o.propagationPolicy = str(policy);
    const dryRun = strings(fs, 5);
    if (dryRun.length) o.dryRun = dryRun;
    return o;
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON object it encodes. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC))
    throw new ApiError(400, 'BadRequest', 'protobuf body without the k8s\\0 prefix');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields((one(unknown, 1)?.value as Buffer) ?? Buffer.alloc(0));
  const apiVersion = text(typeMeta, 1) ?? '';
  const kind = text(typeMeta, 2) ?? '';
  const decode =
    DECODERS[`${apiVersion}/${kind}`] ??
    (kind === 'DeleteOptions' ? DECODERS['v1/DeleteOptions'] : undefined);
  if (!decode)
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the fake API server decodes protobuf only for Secret, ConfigMap, Namespace and DeleteOptions, not ${apiVersion} ${kind}; send JSON`,
    );
  const obj = decode(fields((one(unknown, 2)?.value as Buffer) ?? Buffer.alloc(0)));
  return kind === 'DeleteOptions' ? obj : { apiVersion, kind, ...obj };
}
