import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderConfigReference, replaceReference } from "./reference.ts";

const README = path.resolve(import.meta.dirname, "../../../README.md");

describe("the README's config reference", () => {
  it("is the one generated from the zod schema (PERFGATE_UPDATE_GOLDEN=1 rewrites it)", () => {
    const text = readFileSync(README, "utf8");
    const updated = replaceReference(text, renderConfigReference());
    expect(updated, "README.md lacks the config-reference markers").toBeDefined();
    if (process.env.PERFGATE_UPDATE_GOLDEN === "1" && updated !== text) {
      writeFileSync(README, updated as string);
      return;
    }
    expect(text, "README config reference is stale").toBe(updated);
  });

  it("lists every key with its default, nested keys included", () => {
    const table = renderConfigReference();
    expect(table).toContain("| `target.start.command` | string | required |");
    expect(table).toContain("| `profiles.<name>.endpoints[].maxErrorShare` | number | `0.01` |");
    expect(table).toContain('| `profiles.<name>.endpoints[].method` | "GET" \\| "HEAD"');
  });
});
