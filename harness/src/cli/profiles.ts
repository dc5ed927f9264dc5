/**
 * Load profiles as config-as-code. `quick` is the default of `npm run load` (about a minute on
 * 2 cores); `full` and `soak` run longer and are for nightly jobs and local investigations.
 */
export interface LoadProfile {
  /** Scenario files under `scenarios/`, run one after another (never overlapping). */
  scenarios: string[];
  /** `-e` variables passed to every scenario (durations, rates). */
  vars: Record<string, string>;
  /** Closed-loop endpoint passes with autocannon. */
  endpoints: { id: string; path: string; connections: number; durationSeconds: number }[];
  /**
   * Lighthouse pages and runs per page; runs when Chromium is found, skipped (and said)
   * otherwise. `gate: false` reports budget failures as warnings: one run is too noisy to fail on.
   */
  lighthouse?: { paths: string[]; runs: number; gate: boolean };
}

export const PROFILES = {
  quick: {
    scenarios: ["scenarios/smoke.ts"],
    vars: { SMOKE_DURATION: "10s" },
    lighthouse: { paths: ["/"], runs: 1, gate: false },
    endpoints: [
      { id: "products-list", path: "/api/products?limit=20", connections: 10, durationSeconds: 5 },
    ],
  },
  full: {
    scenarios: ["scenarios/smoke.ts"],
    vars: { SMOKE_DURATION: "60s" },
    lighthouse: { paths: ["/", "/search", "/dashboard"], runs: 3, gate: true },
    endpoints: [
      { id: "products-list", path: "/api/products?limit=20", connections: 50, durationSeconds: 30 },
    ],
  },
  soak: {
    scenarios: ["scenarios/smoke.ts"],
    vars: { SMOKE_DURATION: "10m" },
    endpoints: [],
  },
} satisfies Record<string, LoadProfile>;

export type ProfileName = keyof typeof PROFILES;

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}
