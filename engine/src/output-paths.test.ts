import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { k6Cli, type Loopback, startLoopback } from "../test/conformance/loopback.ts";
import { unwritableOutputs } from "./output-paths.ts";

/**
 * An output path that cannot be written is found before the test starts (k6's exit -1 for a
 * bad `--out`), naming the flag and the path, not after the test when its results are lost.
 */
let dir: string;
let server: Loopback;
let requests = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-output-paths-"));
  server = await startLoopback(() => {
    requests += 1;
    return {};
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("unwritableOutputs", () => {
  it("names each flag and path that cannot be written, and why", async () => {
    const problems = await unwritableOutputs(
      {
        outJson: "/nonexistent/x.ndjson",
        summaryExport: path.join(dir, "missing", "s.json"),
        hdrOut: dir,
      },
      dir,
    );
    expect(problems).toEqual([
      "--out json=/nonexistent/x.ndjson: cannot write (folder /nonexistent does not exist); create it first",
      `--summary-export ${path.join(dir, "missing", "s.json")}: cannot write (folder ${path.join(dir, "missing")} does not exist); create it first`,
      `--hdr-out ${dir}: cannot write (it is a directory); name a file`,
    ]);
  });

  it("leaves an existing file as it was and creates no new one", async () => {
    const existing = path.join(dir, "existing.json");
    await writeFile(existing, "keep me");
    const fresh = path.join(dir, "fresh.json");
    expect(await unwritableOutputs({ summaryExport: existing, hdrOut: "fresh.json" }, dir)).toEqual(
      [],
    );
    expect(await readFile(existing, "utf8")).toBe("keep me");
    await expect(stat(fresh)).rejects.toThrow(/ENOENT/);
  });
});

describe("perfgate k6 run with an unwritable output", () => {
  it("exits 255 before any request, naming every bad flag", async () => {
    const script = path.join(dir, "get.js");
    await writeFile(
      script,
      `import http from "k6/http";\nexport const options = { iterations: 2 };\nexport default function () { http.get(__ENV.BASE_URL); }\n`,
    );
    requests = 0;
    const r = await k6Cli(
      [
        "run",
        "-e",
        `BASE_URL=${server.baseUrl}`,
        "--out",
        "json=/nonexistent/x.ndjson",
        "--summary-export",
        "/nonexistent/s.json",
        "--hdr-out",
        "/nonexistent/h.json",
        script,
      ],
      dir,
    );
    expect(r.code).toBe(255);
    expect(r.stderr).toContain("error: --out json=/nonexistent/x.ndjson: cannot write");
    expect(r.stderr).toContain("error: --summary-export /nonexistent/s.json: cannot write");
    expect(r.stderr).toContain("error: --hdr-out /nonexistent/h.json: cannot write");
    expect(r.stdout).not.toContain("execution:");
    expect(requests).toBe(0);
  });
});
