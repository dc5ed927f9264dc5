import { setTimeout as sleep } from "node:timers/promises";
import type { AppConfig } from "../config.ts";
import { openEmbedded } from "./embedded.ts";
import { INDEX_SQL, SCHEMA_SQL } from "./schema.ts";
import { seedSql } from "./seed.ts";

/** The one query surface the app uses; PGlite and node-postgres both fit it. */
export interface Database {
  readonly kind: "pglite" | "postgres";
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Queries run so far, by the label given to {@link countedQuery}; read by /debug and tests. */
  readonly counts: Map<string, number>;
  /**
   * Extra latency before every query (PERFGATE_APP_DB_DELAY_MS); mutable so a fault-injection
   * run can switch a slow database on and off without a restart (POST /debug/faults).
   */
  delayMs: number;
  close(): Promise<void>;
}

interface Driver {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

function wrap(kind: Database["kind"], driver: Driver, delayMs: number): Database {
  const db: Database = {
    kind,
    counts: new Map(),
    delayMs,
    async query<Row>(sql: string, params: unknown[] = []) {
      if (db.delayMs > 0) await sleep(db.delayMs);
      const result = await driver.query(sql, params);
      return result.rows as Row[];
    },
    close: () => driver.close(),
  };
  return db;
}

/** Run `sql` through `db` and count it under `label`. */
export function countedQuery<Row>(
  db: Database,
  label: string,
  sql: string,
  params?: unknown[],
): Promise<Row[]> {
  db.counts.set(label, (db.counts.get(label) ?? 0) + 1);
  return db.query<Row>(sql, params);
}

/** SQL that builds the catalogue from nothing: schema, seed, indexes, planner statistics. */
export function buildSql(products: number): string {
  return `${SCHEMA_SQL}${seedSql({ products })}${INDEX_SQL}ANALYZE;`;
}

/**
 * Real Postgres when DATABASE_URL is set (the schema is created if the catalogue is missing);
 * otherwise a private copy of the seeded embedded database.
 */
export async function openDatabase(config: AppConfig): Promise<Database> {
  if (!config.databaseUrl) {
    return wrap("pglite", await openEmbedded(config, buildSql), config.dbDelayMs);
  }
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  const driver: Driver = {
    query: (sql, params) => pool.query(sql, params),
    exec: (sql) => pool.query(sql),
    close: () => pool.end(),
  };
  const exists = await pool.query("SELECT to_regclass('public.products') AS t");
  if (exists.rows[0]?.t === null) await driver.exec(buildSql(config.seedProducts));
  return wrap("postgres", driver, config.dbDelayMs);
}
