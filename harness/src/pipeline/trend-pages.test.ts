import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRuns, writeRun } from "../history/run-store.ts";
import type { RunResult } from "../schema/index.ts";
import { writeTrendPages } from "./trend-pages.ts";

/**
 * Issue 22 (S1, S2): every writer of reports/ redacts, with the config's extra names, and a
 * run committed before a name was known to be sensitive renders without its secret — in
 * TRENDS.md, index.html and the charts' file names alike.
 */
const fixture = path.join(import.meta.dirname, "../../test/fixtures/runs/minimal-run.json");
const URL_METRIC = (secret: string) =>
  `http_req_duration{url:http://127.0.0.1:3000/a?auth_token=${secret}&private_token=${secret}P&access-token=${secret}A}`;
let reports: string;
let run: RunResult;

beforeEach(async () => {
  reports = await mkdtemp(path.join(os.tmpdir(), "perfgate-trend-pages-"));
  run = JSON.parse(await readFile(fixture, "utf8"));
});
afterEach(async () => {
  await rm(reports, { recursive: true, force: true });
});

function withUrlMetric(base: RunResult, secret: string, runId: string): RunResult {
  const suite = base.suites[0] as RunResult["suites"][number];
  const metric = {
    ...(suite.metrics[0] as (typeof suite.metrics)[number]),
    id: URL_METRIC(secret),
  };
  return { ...base, runId, suites: [{ ...suite, metrics: [...suite.metrics, metric] }] };
}

async function everything(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const file = path.join(e.parentPath, e.name);
        return `${file}\n${await readFile(file, "utf8")}`;
      }),
  );
  return texts.join("\n");
}

describe("reports/ never holds a secret", () => {
  it("redacts a run committed unredacted: TRENDS.md, index.html and chart file names", async () => {
    // As main wrote it before issue 22: auth_token, private_token, access-token unredacted.
    const old = withUrlMetric(run, "SECRETOLD1", run.runId);
    await mkdir(path.join(reports, "runs", old.runId), { recursive: true });
    await writeFile(path.join(reports, "runs", old.runId, "run.json"), JSON.stringify(old));
    const { files } = await writeTrendPages(reports);
    expect(files.some((f) => f.includes("charts/") && f.includes("auth_token_REDACTED"))).toBe(
      true,
    );
    // The committed run.json is history, never rewritten; what is generated from it is clean.
    await rm(path.join(reports, "runs"), { recursive: true });
    const generated = await everything(reports);
    expect(generated).toContain("index.html");
    expect(generated).not.toContain("SECRETOLD1");
  });

  it("writeRun redacts run.json and report.md, the config's names too", async () => {
    const fresh = withUrlMetric(run, "SECRETNEW2", run.runId);
    const markdown = `| ${URL_METRIC("SECRETNEW2")} |\nGET /x?tenant_pin=SECRETPIN3\n`;
    await writeRun(reports, fresh, markdown, ["tenant-pin"]);
    await writeTrendPages(reports, { redact: ["tenant-pin"] });
    const all = await everything(reports);
    expect(all).not.toMatch(/SECRETNEW2|SECRETPIN3/);
    expect(all).toContain("tenant_pin=[REDACTED]");
    const [read] = (await readRuns(reports)).runs;
    expect(read?.suites[0]?.metrics.map((m) => m.id)).toContain(
      "http_req_duration{url:http://127.0.0.1:3000/a?auth_token=[REDACTED]&private_token=[REDACTED]&access-token=[REDACTED]}",
    );
  });
});
