// Builds the engine's TypeScript sources into plain ES modules once per change of the sources,
// so the bin runs without a TypeScript loader (its hooks thread cost ~30 MB of RSS and start-up
// time in the process and in every worker thread). Each source file stays a module of its own
// (code splitting keeps one instance of shared state), next to the same relative paths.
import { createHash } from "node:crypto";
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const SRC = path.join(import.meta.dirname, "../src");
// Inside node_modules, so the built modules resolve the workspace's packages as the sources do.
const CACHE = path.join(import.meta.dirname, "../node_modules/.cache/perfgate-engine");

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [file] : [];
  });
}

/** The folder of the built engine for the current sources; built now when missing. */
export async function builtEngine() {
  const files = sources(SRC).sort();
  const hash = createHash("sha256");
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${path.relative(SRC, file)}:${size}:${mtimeMs}\n`);
  }
  const out = path.join(CACHE, hash.digest("hex").slice(0, 16));
  try {
    statSync(path.join(out, "main.mjs"));
    return out;
  } catch {
    // Not built yet for these sources.
  }
  const tmp = `${out}.${process.pid}.tmp`;
  await build({
    entryPoints: files,
    outdir: tmp,
    outbase: SRC,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
  });
  try {
    renameSync(tmp, out);
  } catch {
    // Another process built the same sources first: use its copy.
    rmSync(tmp, { recursive: true, force: true });
  }
  pruneOldBuilds(out);
  return out;
}

/**
 * Builds of earlier sources, untouched for a day, are removed (not sooner: a run still going
 * may start worker threads from its build).
 */
function pruneOldBuilds(keep) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(CACHE)) {
    const dir = path.join(CACHE, name);
    if (dir !== keep && statSync(dir).mtimeMs < dayAgo)
      rmSync(dir, { recursive: true, force: true });
  }
}
