import { describe, expect, it } from "vitest";
import { renderInitSummary } from "./init-summary.ts";

describe("renderInitSummary", () => {
  it("lists each file's outcome and the next steps in the chosen package manager", () => {
    const text = renderInitSummary(
      [
        { file: "perfgate.config.ts", action: "wrote" },
        { file: "scenarios/smoke.ts", action: "kept-different" },
      ],
      "pnpm",
    );
    expect(text).toContain("  wrote   perfgate.config.ts\n");
    expect(text).toContain("  kept    scenarios/smoke.ts (exists; --force overwrites)\n");
    expect(text).toContain("  2. pnpm exec perfgate load\n");
    expect(renderInitSummary([], "npm")).toContain("  2. npx perfgate load\n");
  });
});
