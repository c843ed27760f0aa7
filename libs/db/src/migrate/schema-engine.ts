import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQueryable,
} from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

/** Postgres `"char"` and `name`: @prisma/adapter-pg cannot deserialize them (catalogue queries use both). */
const PG_CHAR_OID = 18;
const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

let loaded: typeof engineGlue | undefined;
let lastPanicMessage: string | undefined;

/** The message of the engine's last Rust panic, if any (a panic surfaces as `unreachable`). */
export function lastEnginePanic(): string | undefined {
  return lastPanicMessage;
}

/**
 * The package entry imports the `.wasm` as an ES module (bundler style), which Node cannot
 * do, so instantiate the file by hand against its JS glue. Done once per process.
 */
async function loadEngineModule(): Promise<typeof engineGlue> {
  if (loaded) return loaded;
  // The engine reports a Rust panic's message here before it traps; keep it for the error.
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message: string) => {
      lastPanicMessage = message;
    },
  };
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@prisma/schema-engine-wasm'));
  const bytes = readFileSync(join(dir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': engineGlue });
  engineGlue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  loaded = engineGlue;
  return engineGlue;
}

/** Which result columns were `"char"`, keyed by the rows array the adapter passes through. */
const charColumns = new WeakMap<unknown[], number[]>();

/**
 * @prisma/adapter-pg cannot map `"char"` (oid 18) and `name` (oid 19) columns, which the
 * engine's catalogue queries use. `name` is text on the wire: relabel it. `"char"` must reach
 * the engine as a Character column (it reads pg_constraint.contype as a char, and PG 18 lists
 * NOT NULL constraints there): relabel it as text for the adapter, remember where it was,
 * and fix the column type in the adapter's result.
 */
function relabelCatalogueTypes(res: pg.QueryResult | undefined): void {
  if (!res?.fields) return;
  const chars: number[] = [];
  res.fields.forEach((field, index) => {
    if (field.dataTypeID === PG_CHAR_OID) chars.push(index);
    if (field.dataTypeID === PG_CHAR_OID || field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
  });
  if (chars.length > 0 && Array.isArray(res.rows)) charColumns.set(res.rows, chars);
}

type Queryable = Pick<SqlQueryable, 'queryRaw'>;

function restoreCharColumns<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

function catalogueSafe<T extends SqlDriverAdapter>(adapter: T): T {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => restoreCharColumns(await startTransaction(isolationLevel));
  return restoreCharColumns(wholeScripts(adapter));
}

/** The adapter's internals this file relies on: its pool, and its driver-error mapping. */
interface AdapterInternals {
  client: pg.Pool;
  onError(error: unknown): never;
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on every `;`, which cuts
 * dollar-quoted bodies (plpgsql functions and triggers) apart. pg's simple query protocol
 * takes the whole multi-statement script in one round trip and parses its quoting itself.
 */
function wholeScripts<T extends SqlDriverAdapter>(adapter: T): T {
  const internals = adapter as unknown as AdapterInternals;
  adapter.executeScript = async (script) => {
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

/**
 * A pg Client that hands catalogue types to relabelCatalogueTypes. pg.Pool calls
 * `query(config, values, callback)`, so both the callback and promise forms are covered.
 */
class CatalogueSafeClient extends pg.Client {
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: Error | null, res: pg.QueryResult) => {
        if (!err) relabelCatalogueTypes(res);
        (callback as (e: Error | null, r: pg.QueryResult) => void)(err, res);
      };
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((res: pg.QueryResult) => {
        relabelCatalogueTypes(res);
        return res;
      }) as never;
    }
    return result as never;
  }
}

function poolConfig(databaseUrl: string, database?: string): pg.PoolConfig {
  // Discrete fields, not connectionString: with a connectionString the adapter's shadow
  // pool silently ignores `database` and points back at the main database.
  const url = new URL(databaseUrl);
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || 'postgres',
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: database ?? (decodeURIComponent(url.pathname.slice(1)) || 'postgres'),
    max: 2,
    Client: CatalogueSafeClient,
  };
}

async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client(poolConfig(databaseUrl));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Main connection from `databaseUrl`; a shadow database we create, and drop after its pool closes. */
function adapterFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg(poolConfig(databaseUrl));
  return {
    provider: 'postgres',
    adapterName: main.adapterName,
    connect: async () => catalogueSafe(await main.connect()),
    connectToShadowDb: async () => {
      const name = `parley_shadow_${crypto.randomUUID().replaceAll('-', '')}`;
      await adminQuery(databaseUrl, `CREATE DATABASE "${name}"`);
      const adapter = catalogueSafe(await new PrismaPg(poolConfig(databaseUrl, name)).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await adminQuery(databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      };
      return adapter;
    },
  };
}

export interface EngineHandle {
  engine: SchemaEngine;
  logs: string[];
}

/** Prisma's official schema engine (WASM), talking to Postgres through @prisma/adapter-pg. */
export async function openSchemaEngine(databaseUrl: string, schema: { path: string; content: string }): Promise<EngineHandle> {
  const glue = await loadEngineModule();
  const logs: string[] = [];
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (log: string) => logs.push(log),
    bindMigrationAwareSqlAdapterFactory(adapterFactory(databaseUrl)),
  );
  return { engine, logs };
}
