// Compiles the harness to dist/ for the published package: the `perfgate` bin, the public
// index (defineConfig and the config types' runtime side) and the microbench worker, which
// runners/microbench-build.ts finds by path and compiles again with the user's suites. Shared
// code is split into chunks beside them; npm packages stay external (the package's
// dependencies), code from elsewhere in the repository (scenarios/_lib) is inlined.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;
const src = path.join(root, "src");
rmSync(path.join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints: {
    cli: path.join(src, "cli/bin.ts"),
    index: path.join(src, "index.ts"),
    workloads: path.join(src, "workloads/index.ts"),
    "microbench-worker": path.join(src, "runners/microbench-worker.ts"),
  },
  outdir: path.join(root, "dist"),
  // Chunks sit at the top of dist/ with the entries: modules that find files next to
  // themselves (import.meta.dirname) see the same folder from any chunk.
  chunkNames: "[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});

// Types of the public index (defineConfig and the config's types), for the editor help of a
// project's perfgate.config.ts. TypeScript is a build-time tool of the repository only.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.types.json")], {
  stdio: "inherit",
});
