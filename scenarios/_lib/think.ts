import { sleep } from "k6";

/**
 * Think time between page views: uniform in [min, max] seconds (THINK_SCALE=0 removes it).
 * Await it: k6 blocks in sleep(); the built-in engine's async VUs pause where it is awaited.
 */
export async function think(min: number, max: number): Promise<void> {
  const scale = Number(__ENV.THINK_SCALE ?? "1");
  if (scale > 0) await sleep((min + Math.random() * (max - min)) * scale);
}
