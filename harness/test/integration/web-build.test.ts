import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBundleBuild } from "../../src/runners/bundle.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("production build of app/web", () => {
  it("splits routes and vendors into hashed chunks and tree-shakes an unused export away", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-web-"));
    dirs.push(dir);
    const raw = await runBundleBuild(root, path.join(dir, "dist"));
    const names = raw.chunks.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "index",
        "catalogue",
        "dashboard",
        "search",
        "settings",
        "vendor-chart.js",
      ]),
    );
    expect(raw.chunks.filter((c) => c.isDynamicEntry).length).toBeGreaterThanOrEqual(5);
    for (const chunk of raw.chunks) expect(chunk.file).toMatch(/^assets\/.+-[\w-]{8}\.js$/);
    const assets = path.join(dir, "dist", "assets");
    for (const file of await readdir(assets)) {
      const text = await readFile(path.join(assets, file), "utf8");
      // `unusedHelper` in app/web/src/lib/format.ts is exported but never imported.
      expect(text, file).not.toContain("PERFGATE_UNUSED_EXPORT_MARKER");
    }
    // The treemap artifact shows the chunks.
    const treemap = await readFile(path.join(dir, "treemap.html"), "utf8");
    expect(treemap).toContain("vendor-chart.js");
    // The used export of the same module is in the output.
    const all = await Promise.all(
      (await readdir(assets)).map((f) => readFile(path.join(assets, f), "utf8")),
    );
    expect(all.join("\n")).toContain("toFixed(2)");
  }, 120_000);
});
