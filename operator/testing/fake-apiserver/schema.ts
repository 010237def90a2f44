// Structural-schema handling for custom resources, as the API server does it on every write:
// apply `default`s, prune (or report) unknown fields, then validate types, required, enum,
// minimum/maximum, lengths, item counts and patterns. Messages follow the API server's wording.
import type { StatusCause } from './errors.ts';

export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  nullable?: boolean;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
};

export interface SchemaResult {
  causes: StatusCause[];
  /** Paths of fields the schema does not know (pruned from the object). */
  unknownFields: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Defaults, prunes and validates `obj` in place against a CRD version's openAPIV3Schema. */
export function applySchema(obj: Record<string, unknown>, schema: Schema): SchemaResult {
  const result: SchemaResult = { causes: [], unknownFields: [] };
  // apiVersion, kind and metadata are the server's business, not the schema's.
  const { apiVersion: _a, kind: _k, metadata: _m, ...props } = schema.properties ?? {};
  const root: Schema = { ...schema, properties: props };
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj))
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') rest[k] = v;
  applyDefaults(rest, root);
  prune(rest, root, '', result.unknownFields);
  validate(rest, root, '', result.causes);
  for (const k of Object.keys(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') delete obj[k];
  Object.assign(obj, rest);
  return result;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function applyDefaults(value: unknown, schema: Schema): void {
  if (isObject(value)) {
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
      if (value[key] !== undefined) applyDefaults(value[key], sub);
    }
    if (isObject(schema.additionalProperties)) {
      const known = schema.properties ?? {};
      for (const [key, v] of Object.entries(value))
        if (!(key in known)) applyDefaults(v, schema.additionalProperties);
    }
  } else if (Array.isArray(value) && schema.items) {
    for (const item of value) applyDefaults(item, schema.items);
  }
}

function prune(value: unknown, schema: Schema, path: string, unknown: string[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties && !schema.items) return;
  if (isObject(value)) {
    if (schema['x-kubernetes-embedded-resource']) return;
    const known = schema.properties ?? {};
    for (const key of Object.keys(value)) {
      const sub =
        known[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub) prune(value[key], sub, join(path, key), unknown);
      else if (schema.additionalProperties === true || schema['x-kubernetes-preserve-unknown-fields'])
        continue;
      else {
        unknown.push(join(path, key));
        delete value[key];
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => prune(item, schema.items as Schema, `${path}[${i}]`, unknown));
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, schema: Schema): boolean {
  if (schema['x-kubernetes-int-or-string'])
    return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  const t = typeOf(v);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return t === 'number' || t === 'integer';
    default:
      return t === schema.type;
  }
}

function validate(value: unknown, schema: Schema, path: string, causes: StatusCause[]): void {
  const field = path || '<root>';
  const bad = (reason: string, message: string) => causes.push({ reason, message, field });
  for (const sub of schema.allOf ?? []) validate(value, sub, path, causes);
  if (schema.anyOf && !schema.anyOf.some((s) => countErrors(value, s, path) === 0))
    bad(
      'FieldValueInvalid',
      `Invalid value: ${show(value)}: ${field} in body must match at least one schema in anyOf`,
    );
  if (schema.oneOf && schema.oneOf.filter((s) => countErrors(value, s, path) === 0).length !== 1)
    bad(
      'FieldValueInvalid',
      `Invalid value: ${show(value)}: ${field} in body must match exactly one schema in oneOf`,
    );
  if (value === null) {
    if (!schema.nullable && schema.type)
      bad(
        'FieldValueTypeInvalid',
        `Invalid value: "null": ${field} in body must be of type ${schema.type}: "null"`,
      );
    return;
  }
  if (!typeMatches(value, schema)) {
    const want = schema['x-kubernetes-int-or-string'] ? 'integer,string' : schema.type;
    bad(
      'FieldValueTypeInvalid',
      `Invalid value: "${typeOf(value)}": ${field} in body must be of type ${want}: "${typeOf(value)}"`,
    );
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    bad(
      'FieldValueNotSupported',
      `Unsupported value: ${show(value)}: supported values: ${schema.enum.map(show).join(', ')}`,
    );
  if (typeof value === 'number') {
    if (
      schema.minimum !== undefined &&
      (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
    )
      bad(
        'FieldValueInvalid',
        `Invalid value: ${value}: ${field} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`,
      );
    if (
      schema.maximum !== undefined &&
      (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)
    )
      bad(
        'FieldValueInvalid',
        `Invalid value: ${value}: ${field} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`,
      );
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      bad(
        'FieldValueInvalid',
        `Invalid value: ${show(value)}: ${field} in body should be at least ${schema.minLength} chars long`,
      );
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      bad('FieldValueTooLong', `Too long: may not be more than ${schema.maxLength} bytes`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      bad(
        'FieldValueInvalid',
        `Invalid value: ${show(value)}: ${field} in body should match '${schema.pattern}'`,
      );
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      bad(
        'FieldValueInvalid',
        `Invalid value: ${value.length}: ${field} in body should have at least ${schema.minItems} items`,
      );
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      bad('FieldValueTooMany', `Too many: ${value.length}: must have at most ${schema.maxItems} items`);
    if (schema.items)
      value.forEach((item, i) => validate(item, schema.items as Schema, `${path}[${i}]`, causes));
  }
  if (isObject(value)) {
    for (const key of schema.required ?? [])
      if (value[key] === undefined)
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: join(path, key) });
    for (const [key, v] of Object.entries(value)) {
      const sub =
        schema.properties?.[key] ??
        (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub && v !== undefined) validate(v, sub, join(path, key), causes);
    }
  }
}

function countErrors(value: unknown, schema: Schema, path: string): number {
  const causes: StatusCause[] = [];
  validate(value, schema, path, causes);
  return causes.length;
}
