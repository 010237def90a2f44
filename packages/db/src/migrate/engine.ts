// Drives Prisma's own WebAssembly schema engine (@prisma/schema-engine-wasm) through the pg driver
// adapter. The Prisma 7 CLI would download a native engine; this needs nothing beyond npm.
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readEnv } from '@aw/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine as TSchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';

export const NO_FILTER = { externalTables: [] as string[], externalEnums: [] as string[] };
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

let loaded: typeof bg.SchemaEngine | undefined;

/** The package is built for bundlers (`import * as wasm from "./x.wasm"`): instantiate it by hand. */
async function loadEngineClass(): Promise<typeof bg.SchemaEngine> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(
    path.dirname(require.resolve('@prisma/schema-engine-wasm')),
    'schema_engine_bg.wasm',
  );
  const module = await WebAssembly.compile(readFileSync(wasmPath));
  const imports: Record<string, WebAssembly.ModuleImports> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    imports[entry.module] ??= bg as unknown as WebAssembly.ModuleImports;
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports as unknown as { __wbindgen_start: () => void };
  (bg as unknown as { __wbg_set_wasm: (w: unknown) => void }).__wbg_set_wasm(instance.exports);
  exports.__wbindgen_start();
  loaded = bg.SchemaEngine;
  return loaded;
}

// The engine's catalog queries return PostgreSQL's one-byte `"char"` type (pg_class.relkind and
// friends), which @prisma/adapter-pg does not map. We read those columns as text at the wire and
// report them to the engine as Character, the type it expects for them.
let charColumnsOfLastResult: number[] = [];

class CatalogAwareClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const fix = (res: pg.QueryResult | pg.QueryResult[]) => {
      const columns: number[] = [];
      for (const r of [res].flat()) {
        r?.fields?.forEach((f, i) => {
          if (f.dataTypeID === PG_CHAR_OID) {
            f.dataTypeID = PG_TEXT_OID;
            columns.push(i);
          }
        });
      }
      charColumnsOfLastResult = columns;
      return res;
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: pg.QueryResult) => last(err, err ? res : fix(res));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out = (super.query as any)(...args);
    return out && typeof out.then === 'function' ? out.then(fix) : out;
  }
}

function wrapQueryable<T extends SqlDriverAdapter | Transaction>(target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver);
      if (key === 'queryRaw') {
        return async (query: SqlQuery): Promise<SqlResultSet> => {
          charColumnsOfLastResult = [];
          const result = await (value as (q: SqlQuery) => Promise<SqlResultSet>).call(t, query);
          for (const i of charColumnsOfLastResult) result.columnTypes[i] = ColumnTypeEnum.Character;
          return result;
        };
      }
      if (key === 'startTransaction') {
        return async (...a: unknown[]) =>
          wrapQueryable(await (value as (...x: unknown[]) => Promise<Transaction>).apply(t, a));
      }
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

export interface EngineHandle {
  engine: TSchemaEngine;
  close(): Promise<void>;
}

/** Opens the wasm schema engine on `url` with the given schema text. */
export async function openEngine(url: string, schema: string, schemaPath: string): Promise<EngineHandle> {
  const SchemaEngine = await loadEngineClass();
  const pool = new pg.Pool({ connectionString: url, Client: CatalogAwareClient, max: 2 });
  const inner = new PrismaPg(pool);
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => wrapQueryable(await inner.connect()),
    connectToShadowDb: async () => wrapQueryable(await inner.connectToShadowDb()),
  });
  const logs: string[] = [];
  const debug = readEnv(['MIGRATE_DEBUG']).MIGRATE_DEBUG === true;
  const engine = (await SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (line: string) => {
      if (debug) logs.push(line);
    },
    factory,
  )) as TSchemaEngine;
  return {
    engine,
    async close() {
      engine.free();
      await pool.end();
    },
  };
}

/** Reads prisma/migrations the way the Prisma CLI does, so both see the same history. */
export async function readMigrations(dir: string): Promise<MigrationList> {
  const lockPath = 'migration_lock.toml';
  const lock = await readFile(path.join(dir, lockPath), 'utf8').catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = 'migration.sql';
    const content = await readFile(path.join(dir, entry.name, file), 'utf8')
      .then((value) => ({ tag: 'ok' as const, value }))
      .catch((e: Error) => ({ tag: 'error' as const, value: e.message }));
    migrationDirectories.push({ path: entry.name, migrationFile: { path: file, content } });
  }
  return {
    baseDir: dir,
    lockfile: { path: lockPath, content: lock },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}
