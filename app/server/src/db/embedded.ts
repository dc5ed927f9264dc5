import { createHash } from "node:crypto";
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { AppConfig } from "../config.ts";

/**
 * The template is built with 1 MB WAL segments (initdb's default is 16 MB) and at most two of
 * them kept: a fresh cluster otherwise carries 80-110 MB of recycled WAL, more than the data of
 * the default seed, and every instance copies it.
 */
const TEMPLATE_INITDB = ["--wal-segsize=1"];
const TEMPLATE_START = [
  ...PGlite.defaultStartParams,
  "-c",
  "min_wal_size=2MB",
  "-c",
  "max_wal_size=2MB",
];

/**
 * The embedded database. Creating a PGlite cluster takes ~5-10 s here (initdb in WebAssembly)
 * and seeding the default 20k products a few more, reopening a data directory ~0.3 s, copying
 * one (~40 MB) ~50 ms: so the seeded cluster is built once per (schema, seed size, PGlite
 * version, build settings) into a template under the cache directory, and every app instance
 * opens its own copy (instances never share a cluster; PGlite is single-process).
 */
export async function openEmbedded(
  config: AppConfig,
  buildSql: (products: number) => string,
): Promise<{
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}> {
  const sql = buildSql(config.seedProducts);
  const version = await pgliteVersion();
  const key = createHash("sha256")
    .update(version)
    .update(JSON.stringify([TEMPLATE_INITDB, TEMPLATE_START]))
    .update(sql)
    .digest("hex")
    .slice(0, 16);
  const template = path.join(config.dbCacheDir, `catalogue-${key}`);
  if (!(await exists(template))) await buildTemplate(template, sql);
  await sweepOrphans();
  const copy = await mkdtemp(path.join(tmpdir(), COPY_PREFIX));
  await cp(template, copy, { recursive: true });
  await writeFile(path.join(copy, OWNER_FILE), String(process.pid));
  const db = await PGlite.create({ dataDir: copy });
  return {
    query: (text, params) => db.query(text, params),
    exec: (text) => db.exec(text),
    close: async () => {
      await db.close();
      await rm(copy, { recursive: true, force: true });
    },
  };
}

const COPY_PREFIX = "perfgate-app-db-";
const OWNER_FILE = "perfgate-owner.pid";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An app killed with SIGKILL never removes its copy (~40 MB each with the default seed): remove copies whose owning
 * process is gone. Copies without an owner file yet may be mid-creation and are left alone.
 */
async function sweepOrphans(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(COPY_PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    const owner = Number(await readFile(path.join(dir, OWNER_FILE), "utf8").catch(() => ""));
    if (Number.isInteger(owner) && owner > 0 && !alive(owner))
      await rm(dir, { recursive: true, force: true });
  }
}

/** The template depends on the PGlite build (its on-disk format); the package does not export its package.json. */
async function pgliteVersion(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite")));
  while (path.basename(dir) !== "pglite" && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")).version;
}

async function exists(dir: string): Promise<boolean> {
  return stat(dir).then(
    () => true,
    () => false,
  );
}

/** Build into a scratch directory, then rename: a crash or a second builder never leaves a half-built template. */
async function buildTemplate(template: string, sql: string): Promise<void> {
  await mkdir(path.dirname(template), { recursive: true });
  const scratch = await mkdtemp(`${template}.building-`);
  try {
    const db = await PGlite.create({
      dataDir: scratch,
      initDbStartParams: TEMPLATE_INITDB,
      startParams: TEMPLATE_START,
    });
    await db.exec(sql);
    // The checkpoint recycles the seed's WAL down to max_wal_size before the copy is frozen.
    await db.exec("CHECKPOINT");
    await db.close();
    await rename(scratch, template).catch(async (error: NodeJS.ErrnoException) => {
      // Another instance finished first: its template is as good as ours.
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
