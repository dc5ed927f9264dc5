import { describe, expect, it } from "vitest";
import type { LoadProfile } from "./profiles.ts";
import { benchProfileName, positiveCount, withAllLighthousePages } from "./record-suites.ts";

const profile = {
  scenarios: ["scenarios/smoke.ts"],
  vars: {},
  endpoints: [],
  lighthouse: { paths: ["/"], runs: 1, gate: false },
} as unknown as LoadProfile;
const pages = [
  { id: "home", path: "/" },
  { id: "search", path: "/search" },
];

describe("the main-branch record's suites", () => {
  it("Lighthouse on every configured page, at the profile's runs and gate", () => {
    const lighthouse = { config: "lighthouserc.json", pages };
    expect(withAllLighthousePages(profile, lighthouse).lighthouse).toEqual({
      paths: ["/", "/search"],
      runs: 1,
      gate: false,
    });
    const { lighthouse: _, ...without } = profile;
    expect(withAllLighthousePages(without as LoadProfile, lighthouse).lighthouse?.paths).toEqual([
      "/",
      "/search",
    ]);
  });

  it("refuses --lighthouse-all-pages without pages, and bad bench flags, naming the fix", () => {
    expect(() => withAllLighthousePages(profile, undefined)).toThrow(/needs lighthouse\.pages/);
    expect(benchProfileName("quick")).toBe("quick");
    expect(() => benchProfileName("fast")).toThrow(/--bench "fast" is not a bench profile/);
    expect(positiveCount(undefined, "--bench-processes")).toBeUndefined();
    expect(positiveCount("2", "--bench-processes")).toBe(2);
    expect(() => positiveCount("0", "--bench-processes")).toThrow(/not a positive integer/);
  });
});
