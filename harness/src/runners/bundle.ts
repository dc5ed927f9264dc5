import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { EXIT, HarnessError } from "../schema/index.ts";
import { interrupted, spawnWatched } from "./child-watchdog.ts";

/** One manifest entry of a Vite build, as Vite writes `.vite/manifest.json`. */
interface ManifestChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** What the bundle runner saves: every emitted JS file with its sizes and how it is loaded. */
export interface BundleRaw {
  viteVersion: string;
  chunks: {
    key: string;
    file: string;
    name: string;
    isEntry: boolean;
    isDynamicEntry: boolean;
    imports: string[];
    dynamicImports: string[];
    raw: number;
    gzip: number;
    brotli: number;
  }[];
  /** JS files in the output that the manifest does not list (workers). */
  unlisted: { file: string; raw: number; gzip: number; brotli: number }[];
}

function sizes(content: Buffer) {
  return {
    raw: content.byteLength,
    gzip: gzipSync(content, { level: 9 }).byteLength,
    brotli: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
      .byteLength,
  };
}

/**
 * Run a build (Vite, or the config's `bundle.command` in a shell) with PERFGATE_WEB_OUT_DIR set
 * to `outDir`, watched: its own process group stopped together on Ctrl+C, and an 'error'
 * listener (issue 22 H1, H6). Returns the exit code and the output's last 8 kB.
 */
async function runWatchedBuild(
  label: string,
  command: string,
  args: string[],
  options: { root: string; outDir: string; shell?: boolean; signal?: AbortSignal | undefined },
): Promise<{ code: number; tail: string }> {
  const { child, exited } = spawnWatched(
    command,
    args,
    {
      cwd: options.root,
      shell: options.shell ?? false,
      env: {
        ...process.env,
        PERFGATE_WEB_OUT_DIR: options.outDir,
        PERFGATE_WEB_TREEMAP: path.join(options.outDir, "..", "treemap.html"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
    { signal: options.signal, graceMs: 5_000 },
  );
  let output = "";
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-8_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = await exited;
  if (options.signal?.aborted) throw interrupted(label);
  if (exit.error) output += exit.error.message;
  const code = exit.error ? 1 : (exit.code ?? 1);
  return { code, tail: output.trim().split("\n").slice(-8).join("\n  ") };
}

/**
 * Production build of app/web into `outDir`, then per-chunk raw/gzip/brotli sizes. A treemap of
 * the build (rollup-plugin-visualizer) is kept beside it as `treemap.html`, a run artifact.
 */
export async function runBundleBuild(
  root: string,
  outDir: string,
  signal?: AbortSignal,
): Promise<BundleRaw> {
  const vite = path.join(root, "node_modules/vite/bin/vite.js");
  const args = [vite, "build", "--config", "app/web/vite.config.ts", "--logLevel", "warn"];
  const { code, tail } = await runWatchedBuild("vite build", process.execPath, args, {
    root,
    outDir,
    signal,
  });
  if (code !== 0) {
    throw new HarnessError(
      "E_WEB_BUILD",
      `vite build of app/web failed (exit ${code})\n  ${tail}`,
      {
        hint: "run `npx vite build --config app/web/vite.config.ts` to see the full error",
        exitCode: EXIT.toolFailed,
      },
    );
  }
  const raw = await measureBundle(root, outDir);
  await writeFile(
    path.join(outDir, "..", "bundle-stats.json"),
    `${JSON.stringify(raw, null, 2)}\n`,
  );
  return raw;
}

/**
 * perfgate.config.ts `bundle`: the project's build command (shell, from the config's folder),
 * then its output measured. A build that honours PERFGATE_WEB_OUT_DIR (the reference app's Vite
 * config does) writes into the run's raw folder instead of `outDir`, so the run keeps the
 * exact files it judged.
 */
export async function runBundleCommand(
  root: string,
  bundle: { command: string; outDir: string },
  rawDist: string,
  signal?: AbortSignal,
): Promise<{ raw: BundleRaw; dir: string }> {
  const { code, tail } = await runWatchedBuild("bundle.command", bundle.command, [], {
    root,
    outDir: rawDist,
    shell: true,
    signal,
  });
  if (code !== 0) {
    throw new HarnessError(
      "E_BUILD",
      `bundle.command \`${bundle.command}\` failed (exit ${code})\n  ${tail}`,
      { hint: "run the command yourself to see the full error", exitCode: EXIT.toolFailed },
    );
  }
  const dir = existsSync(rawDist) ? rawDist : path.resolve(root, bundle.outDir);
  if (!existsSync(dir)) {
    throw new HarnessError(
      "E_BUILD",
      `bundle.outDir ${bundle.outDir} does not exist after the build`,
      {
        hint: "set bundle.outDir to the folder the build command writes",
        exitCode: EXIT.usage,
      },
    );
  }
  const raw = await measureBundle(root, dir);
  await mkdir(path.dirname(rawDist), { recursive: true });
  await writeFile(
    path.join(rawDist, "..", "bundle-stats.json"),
    `${JSON.stringify(raw, null, 2)}\n`,
  );
  return { raw, dir };
}

/**
 * Per-file raw/gzip/brotli sizes of a build's JavaScript: its chunks and how they load from
 * Vite's manifest when there is one, else every .js/.mjs file of the folder (a build without a
 * manifest has no chunk graph: each file counts toward the total only).
 */
export async function measureBundle(root: string, outDir: string): Promise<BundleRaw> {
  if (!existsSync(path.join(outDir, ".vite/manifest.json"))) {
    const unlisted: BundleRaw["unlisted"] = [];
    for (const file of (await readdir(outDir, { recursive: true })).sort()) {
      if (/\.m?js$/.test(file))
        unlisted.push({ file, ...sizes(await readFile(path.join(outDir, file))) });
    }
    return { viteVersion: "", chunks: [], unlisted };
  }
  const manifest = JSON.parse(
    await readFile(path.join(outDir, ".vite/manifest.json"), "utf8"),
  ) as Record<string, ManifestChunk>;
  const chunks: BundleRaw["chunks"] = [];
  const listed = new Set<string>();
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.file.endsWith(".js")) continue;
    listed.add(chunk.file);
    chunks.push({
      key,
      file: chunk.file,
      name: chunk.name ?? path.basename(chunk.file, ".js"),
      isEntry: chunk.isEntry === true,
      isDynamicEntry: chunk.isDynamicEntry === true,
      imports: chunk.imports ?? [],
      dynamicImports: chunk.dynamicImports ?? [],
      ...sizes(await readFile(path.join(outDir, chunk.file))),
    });
  }
  const unlisted: BundleRaw["unlisted"] = [];
  for (const name of await readdir(path.join(outDir, "assets"))) {
    const file = `assets/${name}`;
    if (name.endsWith(".js") && !listed.has(file))
      unlisted.push({ file, ...sizes(await readFile(path.join(outDir, file))) });
  }
  const vitePackage = path.join(root, "node_modules/vite/package.json");
  const viteVersion = existsSync(vitePackage)
    ? (JSON.parse(await readFile(vitePackage, "utf8")) as { version: string }).version
    : "";
  const raw: BundleRaw = {
    viteVersion,
    chunks: chunks.sort((a, b) => a.key.localeCompare(b.key)),
    unlisted,
  };
  return raw;
}
