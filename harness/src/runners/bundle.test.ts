import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeBundle } from "../adapters/bundle.ts";
import { runBundleCommand } from "./bundle.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "perfgate-bundle-"));
  // A build of another kind: no Vite manifest, two JavaScript files and a stylesheet.
  await writeFile(
    path.join(root, "build.mjs"),
    `import { mkdirSync, writeFileSync } from "node:fs";
mkdirSync("out/js", { recursive: true });
writeFileSync("out/main.js", "console.log(1);".repeat(200));
writeFileSync("out/js/lazy.mjs", "export const x = 1;");
writeFileSync("out/style.css", "body{}");
`,
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("runBundleCommand on a project's own build", () => {
  it("runs the command and measures every .js/.mjs file of outDir", async () => {
    const raw = path.join(root, "raw", "bundle", "dist");
    const { raw: measured, dir } = await runBundleCommand(
      root,
      { command: "node build.mjs", outDir: "out" },
      raw,
    );
    expect(dir).toBe(path.join(root, "out"));
    expect(measured.unlisted.map((f) => f.file)).toEqual(["js/lazy.mjs", "main.js"]);
    const main = measured.unlisted.find((f) => f.file === "main.js");
    expect(main?.raw).toBe("console.log(1);".length * 200);
    expect(main?.gzip).toBeLessThan(main?.raw ?? 0);
    const suite = normalizeBundle(measured, "");
    expect(suite.metrics.find((m) => m.id === "total_js.raw")?.value).toBe(
      (main?.raw ?? 0) + "export const x = 1;".length,
    );
  });

  it("names the command and its output when the build fails", async () => {
    await expect(
      runBundleCommand(
        root,
        { command: "node -e 'console.error(\"boom\"); process.exit(3)'", outDir: "out" },
        path.join(root, "raw2", "dist"),
      ),
    ).rejects.toThrow(/bundle\.command `node -e .*` failed \(exit 3\)\n {2}boom/);
  });
});
