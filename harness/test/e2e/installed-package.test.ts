import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunResult, type RunResult } from "../../src/schema/index.ts";

/**
 * perfgate as a new user gets it: both packages packed, installed from their tarballs into a
 * fresh project outside the repository that holds only a small HTTP server of its own, then
 * `init`, `load` and `ingest` through the installed bin (compiled JavaScript, no tsx).
 */
const exec = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, "../../..");
const FIXTURES = path.join(REPO, "harness/test/fixtures");

const SERVER = `import { createServer } from "node:http";
// The project's own app: two routes, 404 elsewhere.
const routes = { "/": "home", "/api/items": JSON.stringify([{ id: 1 }, { id: 2 }]) };
createServer((req, res) => {
  const body = routes[new URL(req.url, "http://x").pathname];
  res.writeHead(body === undefined ? 404 : 200).end(body ?? "not found");
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

let work: string;
let project: string;

async function run(command: string, args: string[], cwd = project, timeout = 240_000) {
  try {
    const { stdout, stderr } = await exec(command, args, {
      cwd,
      timeout,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: "1", CI: "true", PERFGATE_ENGINE: "builtin" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    };
  }
}

const perfgate = (...args: string[]) => run("npx", ["--no-install", "perfgate", ...args]);

function runs(): RunResult[] {
  const dir = path.join(project, "reports/runs");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(path.join(dir, id, "run.json")))
    .sort()
    .map((id) =>
      parseRunResult(JSON.parse(readFileSync(path.join(dir, id, "run.json"), "utf8")), id),
    );
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "perfgate-install-"));
  project = path.join(work, "my-app");
  const packed = await run(
    "npm",
    [
      "pack",
      "--workspace",
      "engine",
      "--workspace",
      "harness",
      "--pack-destination",
      work,
      "--json",
    ],
    REPO,
  );
  expect(packed.code, packed.stderr).toBe(0);
  const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) =>
    path.join(work, p.filename),
  );
  await import("node:fs/promises").then((fs) => fs.mkdir(project));
  await writeFile(
    path.join(project, "package.json"),
    `${JSON.stringify({ name: "my-app", private: true, type: "module", scripts: { start: "node server.mjs" } }, null, 2)}\n`,
  );
  await writeFile(path.join(project, "server.mjs"), SERVER);
  const installed = await run(
    "npm",
    ["install", "--save-dev", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs],
    project,
    300_000,
  );
  expect(installed.code, installed.stderr).toBe(0);
}, 420_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("perfgate installed from its tarballs in a project of its own", () => {
  it("--version, and --help of every command exit 0", async () => {
    const version = await perfgate("--version");
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const list = await perfgate("--help");
    const names = [...list.stdout.matchAll(/^ {2}([a-z0-9-]+) {2,}/gm)].map((m) => m[1] as string);
    expect(names).toContain("init");
    // The bin itself (npx adds seconds a call): compiled JavaScript, and no tsx installed.
    const bin = path.join(project, "node_modules/.bin/perfgate");
    expect(existsSync(path.join(project, "node_modules/tsx"))).toBe(false);
    for (const name of names) {
      const help = await run(bin, [name, "--help"]);
      expect(help.code, `${name} --help`).toBe(0);
      expect(help.stdout).toContain(`usage: perfgate ${name}`);
    }
  }, 120_000);

  it("init --yes writes the starter files once, and a second run changes nothing", async () => {
    const first = await perfgate("init", "--yes");
    expect(first.code, first.stderr).toBe(0);
    for (const file of [
      "perfgate.config.ts",
      "scenarios/smoke.ts",
      "microbench/example.bench.ts",
      "lighthouserc.json",
      ".github/workflows/perfgate.yml",
      "reports/README.md",
    ]) {
      expect(existsSync(path.join(project, file)), file).toBe(true);
    }
    expect(first.stdout).toContain("perfgate load");
    const config = await readFile(path.join(project, "perfgate.config.ts"), "utf8");
    expect(config).toContain('command: "npm run start"');
    const second = await perfgate("init", "--yes");
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain("wrote");
    expect(await readFile(path.join(project, "perfgate.config.ts"), "utf8")).toBe(config);
  }, 60_000);

  it("load runs the project's own server: a load suite and an endpoint suite per route, no bundle or Lighthouse", async () => {
    const file = path.join(project, "perfgate.config.ts");
    const config = (await readFile(file, "utf8"))
      .replace('command: "npm run start"', 'command: "node server.mjs"')
      .replace('SMOKE_DURATION: "10s"', 'SMOKE_DURATION: "2s"')
      .replace(
        '[{ id: "home", path: "/", connections: 10, durationSeconds: 5 }]',
        '[{ id: "home", path: "/", connections: 4, durationSeconds: 1 }, { id: "items", path: "/api/items", connections: 4, durationSeconds: 1 }]',
      );
    expect(config).toContain('id: "items"');
    await writeFile(file, config);
    const load = await perfgate("load");
    expect(load.code, `${load.stdout}\n${load.stderr}`).toBe(0);
    expect(load.stderr).toMatch(/bundle: not run \(not configured/);
    expect(load.stderr).toMatch(/lighthouse: not run \(not configured/);
    const [record] = runs();
    const suites = record?.suites.map((s) => `${s.kind}:${s.id}:${s.status}`);
    expect(suites).toEqual(["load:smoke:ok", "endpoint:home:ok", "endpoint:items:ok"]);
    expect(record?.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        "bundle not run: not configured: no bundle in perfgate.config.ts",
        "lighthouse not run: not configured: no lighthouse in perfgate.config.ts",
      ]),
    );
  }, 240_000);

  describe("against a server that answers 404", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(404).end("no"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it("load --base-url exits non-zero, naming the endpoint", async () => {
      const load = await perfgate("load", "--base-url", url, "--skip", "k6", "--no-save");
      expect(load.code).not.toBe(0);
      expect(`${load.stdout}\n${load.stderr}`).toMatch(
        /endpoint home \(GET http:\/\/127\.0\.0\.1:\d+\/\)/,
      );
    }, 120_000);
  });

  it("ingest turns one output of each tool into a valid run record", async () => {
    const files: Record<string, string> = {
      "vitest-bench": "ingest/vitest-bench.json",
      tinybench: "ingest/tinybench.json",
      mitata: "ingest/mitata.json",
      "benchmark.js": "ingest/benchmark.txt",
      "k6-summary": "raw/k6/summary-export.json",
      autocannon: "ingest/autocannon.json",
      lhci: "raw/lighthouse/lhrs-trimmed.json",
    };
    const before = runs().length;
    for (const [format, file] of Object.entries(files)) {
      const result = await perfgate(
        "ingest",
        "--format",
        format,
        "--id",
        "strings",
        path.join(FIXTURES, file),
      );
      expect(result.code, `${format}: ${result.stderr}`).toBe(0);
      const latest = runs().at(-1);
      expect(latest?.profile).toBe(`ingest-${format}`);
      expect(latest?.suites.length, format).toBeGreaterThan(0);
    }
    expect(runs().length).toBe(before + Object.keys(files).length);
  }, 120_000);
});
