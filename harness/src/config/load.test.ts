import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findConfigFile, loadConfig, projectReports } from "./load.ts";
import { parseConfig, pickProfileName } from "./parse.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parseConfig", () => {
  it("applies defaults: an endpoint pass is GET, 10 connections, 10 s, 1 % errors allowed", () => {
    const config = parseConfig(
      {
        target: { baseUrl: "http://127.0.0.1:3000" },
        profiles: { ci: { endpoints: [{ id: "home", path: "/" }] } },
      },
      "perfgate.config.ts",
    );
    expect(config.profiles.ci?.endpoints[0]).toMatchObject({
      method: "GET",
      connections: 10,
      durationSeconds: 10,
      maxErrorShare: 0.01,
    });
    expect(config.bundle).toBeUndefined();
    expect(config.lighthouse).toBeUndefined();
    expect(config.reportsDir).toBe("reports");
  });

  it("names the file and every bad key at once", () => {
    expect(() =>
      parseConfig(
        {
          target: { baseUrl: "http://127.0.0.1:3000" },
          profiles: { ci: { endpoints: [{ id: "Home", path: "/", connections: 0 }] } },
          bundel: {},
        },
        "perfgate.config.ts",
      ),
    ).toThrow(
      /perfgate\.config\.ts: invalid config[\s\S]*profiles\.ci\.endpoints\[0\]\.id[\s\S]*profiles\.ci\.endpoints\[0\]\.connections[\s\S]*bundel/,
    );
  });

  it("wants exactly one of target.start and target.baseUrl", () => {
    expect(() => parseConfig({ target: {} }, "c.json")).toThrow(/target: set exactly one/);
  });

  it("picks --profile, else defaultProfile, else the first, and names unknown ones", () => {
    const config = parseConfig(
      { target: { baseUrl: "http://127.0.0.1:1" }, profiles: { a: {}, b: {} } },
      "c.json",
    );
    expect(pickProfileName(config, undefined)).toBe("a");
    expect(pickProfileName(config, "b")).toBe("b");
    expect(() => pickProfileName(config, "c")).toThrow(/--profile "c" is not a profile/);
  });
});

describe("loadConfig", () => {
  it("loads a .json, a .js and a .ts config (the .ts bundled by esbuild)", async () => {
    const body = `{ target: { baseUrl: "http://127.0.0.1:3000" }, profiles: { ci: { scenarios: ["a.ts"] } } }`;
    const json = path.join(dir, "json", "perfgate.config.json");
    const js = path.join(dir, "js", "perfgate.config.mjs");
    const ts = path.join(dir, "ts", "perfgate.config.ts");
    for (const file of [json, js, ts])
      await import("node:fs/promises").then((fs) =>
        fs.mkdir(path.dirname(file), { recursive: true }),
      );
    await writeFile(
      json,
      JSON.stringify({
        target: { baseUrl: "http://127.0.0.1:3000" },
        profiles: { ci: { scenarios: ["a.ts"] } },
      }),
    );
    await writeFile(js, `export default ${body};\n`);
    await writeFile(
      ts,
      `const port: number = 3000;\nexport default { target: { baseUrl: \`http://127.0.0.1:\${port}\` }, profiles: { ci: { scenarios: ["a.ts"] } } };\n`,
    );
    for (const file of [json, js, ts]) {
      expect(findConfigFile(path.dirname(file))).toBe(file);
      const loaded = await loadConfig(file);
      expect(loaded.root).toBe(path.dirname(file));
      expect(loaded.config.profiles.ci?.scenarios).toEqual(["a.ts"]);
    }
  });

  it("names a config without a default export", async () => {
    const file = path.join(dir, "perfgate.config.mjs");
    await writeFile(file, "export const x = 1;\n");
    await expect(loadConfig(file)).rejects.toThrow(/has no default export/);
  });

  it("the repository's config names files that exist and passes that exist", async () => {
    const { config, root } = await loadConfig(path.join(ROOT, "perfgate.config.ts"));
    expect(pickProfileName(config, undefined)).toBe("quick");
    for (const [name, profile] of Object.entries(config.profiles)) {
      const files = [
        ...profile.scenarios,
        ...profile.endpoints.flatMap((e) => (e.pathsModule ? [e.pathsModule] : [])),
        ...(profile.faults ? [profile.faults.scenario] : []),
      ];
      for (const file of files)
        expect(existsSync(path.join(root, file)), `${name}: ${file}`).toBe(true);
      const ids = new Set(profile.endpoints.map((e) => e.id));
      for (const pass of profile.endpoints) {
        if (pass.ratioTo) expect(ids.has(pass.ratioTo), `${name}: ${pass.id}`).toBe(true);
      }
    }
  });
});

describe("projectReports", () => {
  it("takes --reports-dir first, then the config's reportsDir against its folder, then reports", async () => {
    const project = path.join(dir, "reports-project");
    await import("node:fs/promises").then((fs) => fs.mkdir(project, { recursive: true }));
    const bare = await projectReports(project, undefined);
    expect(bare).toMatchObject({ reportsDir: path.join(project, "reports"), redact: [] });
    await writeFile(
      path.join(project, "perfgate.config.json"),
      JSON.stringify({
        target: { baseUrl: "http://127.0.0.1:3000" },
        profiles: { ci: { scenarios: ["a.ts"] } },
        reportsDir: "perf/history",
        redact: ["sig"],
      }),
    );
    const configured = await projectReports(project, undefined);
    expect(configured.reportsDir).toBe(path.join(project, "perf/history"));
    expect(configured.redact).toEqual(["sig"]);
    const flagged = await projectReports(project, "elsewhere");
    expect(flagged).toMatchObject({ reportsDir: path.join(project, "elsewhere"), redact: ["sig"] });
  });
});
