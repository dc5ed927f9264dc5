// Compiles the engine to dist/ for the published package: one ES module per entry point (the
// bin, the public index, the redactor the harness shares, the worker entries and the k6 module
// shims that compiled scripts import by path), with shared code split into chunks beside them
// so the shims and the workers share one engine state. npm packages stay external: they are the package's dependencies.
import { copyFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;
const src = path.join(root, "src");
const shims = readdirSync(path.join(src, "modules"))
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
  .map((name) => `modules/${name}`);
const entries = [
  "bin.ts",
  "index.ts",
  "redact.ts",
  "async-worker.ts",
  "sync-worker.ts",
  "init-worker.ts",
  ...shims,
];

rmSync(path.join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints: entries.map((entry) => path.join(src, entry)),
  outbase: src,
  outdir: path.join(root, "dist"),
  // Chunks sit at the top of dist/, like the sources they hold: src/paths.ts finds the worker
  // entries and shims next to itself (.mjs, as the bin's own built copy).
  chunkNames: "[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
// Plain JavaScript already, and loaded by path (src/paths.ts): copied under its own name.
copyFileSync(
  path.join(src, "sync-worker-boot.mjs"),
  path.join(root, "dist", "sync-worker-boot.mjs"),
);
