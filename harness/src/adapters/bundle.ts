import type { Metric, Suite } from "../schema/index.ts";

/** The fields of the bundle runner's raw stats that normalization reads. */
export interface BundleRawInput {
  viteVersion: string;
  chunks: {
    key: string;
    name: string;
    isEntry: boolean;
    isDynamicEntry: boolean;
    imports: string[];
    dynamicImports: string[];
    raw: number;
    gzip: number;
    brotli: number;
  }[];
  unlisted: { file: string; raw: number; gzip: number; brotli: number }[];
}

/**
 * Chunks the initial route needs: the entry, its static imports (transitively), and the route
 * chunk(s) whose source matches `initialRoute`, with their static imports.
 */
export function initialChunks(raw: BundleRawInput, initialRoute: string): BundleRawInput["chunks"] {
  const byKey = new Map(raw.chunks.map((c) => [c.key, c]));
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = byKey.get(key);
    if (!chunk || seen.has(key)) return;
    seen.add(key);
    for (const child of chunk.imports) visit(child);
  };
  for (const chunk of raw.chunks) {
    if (chunk.isEntry) visit(chunk.key);
    if (chunk.isDynamicEntry && chunk.key.includes(initialRoute)) visit(chunk.key);
  }
  return raw.chunks.filter((c) => seen.has(c.key));
}

const bytes = (id: string, value: number): Metric => ({
  id,
  unit: "bytes",
  direction: "lower",
  value,
});

/** Bundle stats -> one `bundle` suite: per-chunk raw/gzip/brotli sizes and the initial-route total. Pure. */
export function normalizeBundle(raw: BundleRawInput, initialRoute: string): Suite {
  const initial = initialChunks(raw, initialRoute);
  const metrics: Metric[] = [
    bytes(
      "initial_js.raw",
      initial.reduce((sum, c) => sum + c.raw, 0),
    ),
    bytes(
      "initial_js.gzip",
      initial.reduce((sum, c) => sum + c.gzip, 0),
    ),
    bytes(
      "initial_js.brotli",
      initial.reduce((sum, c) => sum + c.brotli, 0),
    ),
    bytes(
      "total_js.raw",
      [...raw.chunks, ...raw.unlisted].reduce((sum, c) => sum + c.raw, 0),
    ),
  ];
  const initialKeys = new Set(initial.map((c) => c.key));
  for (const chunk of raw.chunks) {
    // initial: loaded for the first route (budgeted as a total); lazy: fetched on navigation.
    const kind = chunk.isEntry
      ? "entry"
      : initialKeys.has(chunk.key)
        ? "initial"
        : chunk.isDynamicEntry
          ? "lazy"
          : "shared";
    for (const encoding of ["raw", "gzip", "brotli"] as const) {
      metrics.push({
        ...bytes(`chunk.${chunk.name}.${encoding}`, chunk[encoding]),
        tags: { chunk: chunk.name, kind },
      });
    }
  }
  for (const file of raw.unlisted) {
    const name = file.file.replace(/^assets\//, "").replace(/-[\w-]{8}\.js$/, "");
    metrics.push({
      ...bytes(`chunk.${name}.raw`, file.raw),
      tags: { chunk: name, kind: "worker" },
    });
  }
  return {
    kind: "bundle",
    id: "web",
    tool: { name: "vite", version: raw.viteVersion },
    status: "ok",
    metrics,
    meta: { initialRoute },
  };
}
