import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { runBundleBuild } from "../../src/runners/bundle.ts";
import { captureIo } from "../capture-io.ts";
import { chromePath } from "../chromium.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!chromePath)("npm run lhci in real Chromium", () => {
  it("fails a deliberately bloated build with a message naming the budget and the page", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-lhci-"));
    dirs.push(dir);
    const dist = path.join(dir, "dist");
    await runBundleBuild(root, dist);
    // 600 KB of incompressible script the page must load before it renders (budgets count
    // transferred bytes, so repetitive filler would compress away).
    await writeFile(
      path.join(dist, "assets", "bloat.js"),
      `window.__bloat = "${randomBytes(450 * 1024).toString("base64")}";\n`,
    );
    const html = await readFile(path.join(dist, "index.html"), "utf8");
    await writeFile(
      path.join(dist, "index.html"),
      html.replace("</head>", '<script src="/assets/bloat.js"></script></head>'),
    );
    const io = captureIo(root, process.env);
    const code = await runCli(["lhci", "--runs", "1", "--page", "/", "--dist", dist], io);
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(
      /budget failed: \/: resource-summary:script.size over budget \(maxNumericValue <= 204800/,
    );
    // A build, an app start and one run of two Lighthouse processes (gather, then the calibrated
    // audit) take minutes when the shared machine is busy.
  }, 300_000);
});
