import { existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Message } from "esbuild";
import * as tar from "tar";
import { ScriptError } from "./script.ts";

/**
 * k6's archive layout (v0.48.0, `k6 archive`): `metadata.json` (type, options, filename and pwd
 * as file URLs, env), `data` (the main script) and every file under `file/<absolute path>`.
 */
export interface ArchiveMetadata {
  type: string;
  options: Record<string, unknown>;
  filename: string;
  pwd: string;
  env: Record<string, string>;
  compatibilityMode?: string;
  k6version?: string;
  /** Set by the built-in engine: `data` is the script bundled into one module. */
  perfgate?: { bundled: true };
}

/** Whether `file` is a tar (the `ustar` magic at byte 257), as `k6 run` tells archives apart. */
export async function isArchive(file: string): Promise<boolean> {
  if (file.endsWith(".tar")) return true;
  try {
    const handle = await open(file, "r");
    try {
      const magic = Buffer.alloc(5);
      await handle.read(magic, 0, 5, 257);
      return magic.toString("latin1") === "ustar";
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** The script and its local imports (TS or JS) as one ES module; `k6/*` imports stay imports. */
async function bundle(script: string): Promise<string> {
  try {
    const result = await build({
      entryPoints: [script],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      logLevel: "silent",
      external: ["k6", "k6/*"],
    });
    return result.outputFiles[0]?.text ?? "";
  } catch (cause) {
    const errors = (cause as { errors?: Message[] }).errors ?? [];
    throw new ScriptError(errors.length > 0 ? errors.map((e) => e.text).join("\n") : String(cause));
  }
}

/** `file/<absolute path>` inside the tar, as k6 names a local file. */
function entryOf(absolute: string): string {
  return path.posix.join("file", absolute.split(path.sep).join("/"));
}

/**
 * Writes `script` as a k6-layout archive at `out`: the script bundled into one module (so a
 * TypeScript scenario with local imports travels as one file), with its options and the run's
 * `-e` variables in metadata.json.
 */
export async function writeArchive(input: {
  script: string;
  out: string;
  env: Record<string, string>;
  options: Record<string, unknown>;
}): Promise<void> {
  const script = path.resolve(input.script);
  const source = await bundle(script);
  const metadata: ArchiveMetadata = {
    type: "js",
    options: input.options,
    filename: pathToFileURL(script).href,
    pwd: pathToFileURL(path.dirname(script)).href,
    env: input.env,
    compatibilityMode: "extended",
    k6version: "0.48.0",
    perfgate: { bundled: true },
  };
  const staging = await mkdtemp(path.join(os.tmpdir(), "perfgate-archive-"));
  try {
    const entry = entryOf(script);
    await mkdir(path.join(staging, path.dirname(entry)), { recursive: true });
    await writeFile(path.join(staging, "metadata.json"), `${JSON.stringify(metadata, null, 2)}\n`);
    await writeFile(path.join(staging, "data"), source);
    await writeFile(path.join(staging, entry), source);
    await mkdir(path.dirname(path.resolve(input.out)), { recursive: true });
    await tar.create({ file: path.resolve(input.out), cwd: staging, portable: true }, [
      "metadata.json",
      "data",
      "file",
    ]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** An archive unpacked for a run: the main script's path there and the archived variables. */
export interface OpenedArchive {
  script: string;
  env: Record<string, string>;
  metadata: ArchiveMetadata;
  dir: string;
}

/**
 * Unpacks an archive (the engine's or k6's own) into a temporary folder. The main script is
 * `file/<path of metadata.filename>` (k6 hard-links it to `data`), so its relative imports
 * resolve against the other archived files; `data` is the fallback.
 */
export async function openArchive(file: string): Promise<OpenedArchive> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-run-archive-"));
  try {
    await tar.extract({ file, cwd: dir, strict: true });
  } catch (cause) {
    throw new ScriptError(`${file}: not a readable tar (${(cause as Error).message})`);
  }
  let metadata: ArchiveMetadata;
  try {
    metadata = JSON.parse(await readFile(path.join(dir, "metadata.json"), "utf8"));
  } catch (cause) {
    throw new ScriptError(
      `${file}: metadata.json is missing or not JSON (${(cause as Error).message}); is this a k6 archive?`,
    );
  }
  if (metadata.type !== "js" || typeof metadata.filename !== "string")
    throw new ScriptError(`${file}: metadata.json has no js "filename"; is this a k6 archive?`);
  const main = metadata.filename.startsWith("file://")
    ? path.join(dir, entryOf(fileURLToPath(metadata.filename)))
    : "";
  const script = main && existsSync(main) ? main : path.join(dir, "data.js");
  if (script.endsWith("data.js"))
    await writeFile(script, await readFile(path.join(dir, "data"), "utf8"));
  return { script, env: metadata.env ?? {}, metadata, dir };
}
