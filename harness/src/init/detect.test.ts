import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse.ts";
import { detectProject } from "./detect.ts";
import { initFiles } from "./templates.ts";

const dirs: string[] = [];
async function project(files: Record<string, string>, folders: string[] = []): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-init-"));
  dirs.push(dir);
  for (const [file, content] of Object.entries(files))
    await writeFile(path.join(dir, file), content);
  for (const folder of folders) await mkdir(path.join(dir, folder));
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("detectProject", () => {
  it("reads the package manager from the lockfile and the build and start scripts", async () => {
    const dir = await project(
      {
        "package.json": JSON.stringify({ scripts: { build: "vite build", start: "node srv.js" } }),
        "pnpm-lock.yaml": "",
      },
      ["build"],
    );
    expect(detectProject(dir)).toEqual({
      packageManager: "pnpm",
      buildCommand: "pnpm run build",
      outDir: "build",
      startCommand: "pnpm run start",
    });
  });

  it("falls back to npm, dist and no scripts in an empty folder", async () => {
    expect(detectProject(await project({}))).toEqual({
      packageManager: "npm",
      buildCommand: undefined,
      outDir: "dist",
      startCommand: undefined,
    });
  });
});

describe("initFiles", () => {
  it("writes a config whose object the schema accepts, with the bundle only suggested", () => {
    const files = initFiles({
      packageManager: "npm",
      buildCommand: "npm run build",
      outDir: "dist",
      startCommand: "npm run start",
      start: "npm run start",
      readyUrl: "http://127.0.0.1:{port}/",
    });
    const config = files["perfgate.config.ts"] as string;
    expect(config).toContain('// bundle: { command: "npm run build", outDir: "dist" }');
    // The object literal between defineConfig( and its last ); is plain JSON-like TS.
    const literal = config.slice(config.indexOf("defineConfig(") + 13, config.lastIndexOf(");"));
    const value = new Function(`return (${literal});`)();
    const parsed = parseConfig(value, "perfgate.config.ts");
    expect(parsed.target.start?.command).toBe("npm run start");
    expect(parsed.bundle).toBeUndefined();
    expect(parsed.lighthouse).toBeUndefined();
    expect(Object.keys(files).sort()).toEqual([
      ".github/workflows/perfgate.yml",
      "lighthouserc.json",
      "microbench/example.bench.ts",
      "perfgate.config.ts",
      "reports/README.md",
      "scenarios/smoke.ts",
    ]);
  });
});

describe("the workflow init writes", () => {
  it("passes actionlint for each package manager", async () => {
    const { actionlint } = await import("../../test/actionlint.ts");
    for (const packageManager of ["npm", "pnpm", "yarn", "bun"] as const) {
      const files = initFiles({
        packageManager,
        outDir: "dist",
        start: "node server.js",
        readyUrl: "http://127.0.0.1:{port}/",
      });
      const file = ".github/workflows/perfgate.yml";
      expect(await actionlint(files[file] as string, file), packageManager).toEqual([]);
    }
  });
});
