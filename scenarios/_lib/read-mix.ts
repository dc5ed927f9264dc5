import { createRandom, zipfRanks } from "perfgate/workloads";

/** The seed catalogue's nouns (app/server/src/db/seed.ts): every search term finds products. */
const SEARCH_TERMS = [
  "lamp",
  "chair",
  "kettle",
  "drone",
  "desk",
  "clock",
  "phone",
  "bottle",
  "jacket",
  "speaker",
  "camera",
  "router",
  "backpack",
  "blender",
  "monitor",
];

export interface ReadMixOptions {
  seed: number;
  count: number;
  /** Product ids 1..products exist in the app's seed. */
  products: number;
}

/**
 * A read-heavy browsing mix as request paths, in a fixed order for a seed: 70% product detail
 * with Zipf(1.1) popularity (a few items get most views, the long tail still shows up), 20%
 * list pages (early pages far more often), 10% searches. Both sides of a comparison, and
 * caching on vs off, replay the same sequence.
 */
export function readMixPaths({ seed, count, products }: ReadMixOptions): string[] {
  const random = createRandom(seed);
  const items = zipfRanks(products, 1.1, count, random);
  const pages = zipfRanks(50, 1.1, count, random);
  const terms = zipfRanks(SEARCH_TERMS.length, 1.1, count, random);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    if (kind < 0.7) paths.push(`/api/products/${(items[i] as number) + 1}`);
    else if (kind < 0.9) paths.push(`/api/products?limit=20&offset=${(pages[i] as number) * 20}`);
    else paths.push(`/api/search?q=${SEARCH_TERMS[terms[i] as number]}&limit=20`);
  }
  return paths;
}

export type ReadKind = "detail" | "list" | "search";

/** What a read-mix path asks for, and the URL name that groups it in k6's metrics. */
export function describeRead(path: string): { kind: ReadKind; name: string } {
  if (path.startsWith("/api/search")) return { kind: "search", name: "GET /api/search" };
  if (path.includes("?")) return { kind: "list", name: "GET /api/products" };
  return { kind: "detail", name: "GET /api/products/:id" };
}

/**
 * The read mix as an endpoint pass's request paths (`pathsModule` in the load profiles): the
 * harness bundles this module and calls it, asking only for products the app seeded.
 */
export default function endpointPaths(options: {
  seed: number;
  count: number;
  env: Record<string, string | undefined>;
}): string[] {
  const products = Number(options.env.PERFGATE_APP_SEED_PRODUCTS || 100_000);
  return readMixPaths({ seed: options.seed, count: options.count, products });
}
