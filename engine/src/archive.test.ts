import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Loopback, startLoopback } from "../test/conformance/loopback.ts";
import { isArchive, openArchive, writeArchive } from "./archive.ts";
import { runEngineBin } from "./operator-play.ts";
import { parseSummaryLine } from "./summary-line.ts";

const K6_ARCHIVE = path.join(
  import.meta.dirname,
  "..",
  "test",
  "fixtures",
  "k6-v0.48.0-operator",
  "k6-archive.tar",
);

let dir: string;
let server: Loopback;
let paths: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-archive-test-"));
  server = await startLoopback((req) => {
    paths.push(req.url ?? "");
    return { text: "ok" };
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("archive", () => {
  it("writes k6's layout with the TypeScript script and its imports bundled into one module", async () => {
    await mkdir(path.join(dir, "lib"), { recursive: true });
    await writeFile(
      path.join(dir, "lib", "paths.ts"),
      `export const target: string = "/from-lib";\n`,
    );
    const script = path.join(dir, "main.ts");
    await writeFile(
      script,
      `import http from "k6/http";\nimport { target } from "./lib/paths.ts";\nexport default function () { http.get(__ENV.BASE + target); }\n`,
    );
    const out = path.join(dir, "main.tar");
    await writeArchive({ script, out, env: { A: "1" }, options: { vus: 1 } });
    const entries: string[] = [];
    await tar.list({ file: out, onReadEntry: (e) => entries.push(e.path) });
    expect(entries).toContain("metadata.json");
    expect(entries).toContain("data");
    expect(entries.some((e) => e.endsWith("/main.ts") && e.startsWith("file/"))).toBe(true);
    expect(await isArchive(out)).toBe(true);
    expect(await isArchive(script)).toBe(false);

    const opened = await openArchive(out);
    expect(opened.env).toEqual({ A: "1" });
    expect(opened.metadata.options).toEqual({ vus: 1 });
    await rm(opened.dir, { recursive: true, force: true });

    // `run` accepts it; the bundled import travelled with it.
    paths = [];
    const run = await runEngineBin(["run", "--quiet", "--iterations", "2", out], {
      ...process.env,
      BASE: server.baseUrl,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(paths).toEqual(["/from-lib", "/from-lib"]);
  });

  it("runs k6's own archive; -e overrides its archived variables", async () => {
    paths = [];
    const run = await runEngineBin(
      ["run", "--quiet", "-e", `BASE=${server.baseUrl}`, "--iterations", "3", K6_ARCHIVE],
      { ...process.env, PERFGATE_SUMMARY_OUT: "stdout" },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(paths).toEqual(["/ok", "/ok", "/ok"]);
    expect(parseSummaryLine(run.stdout)?.summary.metrics.iterations?.count).toBe(3);
  });

  it("takes run's flags, as k6 archive does (the operator passes a TestRun's arguments to both)", async () => {
    const script = path.join(dir, "flags.js");
    await writeFile(script, "export default function () {}\n");
    const out = path.join(dir, "flags.tar");
    const archived = await runEngineBin(
      [
        "archive",
        script,
        "--summary-trend-stats",
        "avg,p(99)",
        "--tag",
        "a=b",
        "--vus",
        "3",
        "-O",
        out,
      ],
      process.env,
    );
    expect(archived.code, archived.stderr).toBe(0);
    const opened = await openArchive(out);
    expect(opened.metadata.options).toMatchObject({ vus: 3 });
    await rm(opened.dir, { recursive: true, force: true });
  });

  it("refuses a tar that is not an archive, naming the file", async () => {
    const bogus = path.join(dir, "bogus.tar");
    await writeFile(path.join(dir, "x.txt"), "x");
    await tar.create({ file: bogus, cwd: dir }, ["x.txt"]);
    const run = await runEngineBin(["run", bogus], process.env);
    expect(run.code).toBe(104);
    expect(run.stderr).toContain("bogus.tar: metadata.json is missing");
  });
});
