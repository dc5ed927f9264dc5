import { describe, expect, it } from "vitest";
import { LighthouseSection } from "../schema/config.ts";
import type { LoadProfile } from "./profiles.ts";
import { withAllLighthousePages } from "./record-suites.ts";

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
    const lighthouse = LighthouseSection.parse({ pages });
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

  it("refuses --lighthouse-all-pages without pages, naming the fix", () => {
    expect(() => withAllLighthousePages(profile, undefined)).toThrow(/needs lighthouse\.pages/);
  });
});
