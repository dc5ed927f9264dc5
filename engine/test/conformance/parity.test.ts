import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { k6Cli } from "./loopback.ts";
import { summarizeExport } from "./parity-outcome.ts";
import { type ParityServer, startParityServer } from "./parity-server.ts";
import { selfSignedCert } from "./tls-cert.ts";

/**
 * Issue 17: every `parity/*.js` script run with the engine against the parity server gives what
 * the real k6 v0.48.0 gave (its fixture, captured by capture-parity.ts): exit code, every check's
 * passes and fails, counters (http_reqs counts redirect hops and digest rounds), threshold
 * verdicts, the requests the server saw and k6's warning lines.
 */
const FIXTURES = path.join(import.meta.dirname, "../fixtures/k6-v0.48.0/parity");
const SCRIPTS = path.join(import.meta.dirname, "parity");

interface Fixture {
  script: string;
  exitCode: number;
  serverHits: number;
  checks: Record<string, { passes: number; fails: number }>;
  counts: Record<string, number>;
  thresholds: Record<string, boolean>;
  log: string[];
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, f), "utf8")) as Fixture);

let dir: string;
let tlsKeys: { key: string; cert: string };
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-parity-"));
  tlsKeys = selfSignedCert();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** k6's `level=warning msg="…"` part of a captured log line (fields after it vary by runtime). */
const warningOf = (line: string) => line.match(/^level=warning msg="(?:[^"\\]|\\.)*"/)?.[0];

describe("issue 17: the engine behaves as k6 v0.48.0 on each parity script", () => {
  it("has a fixture for every parity script", () => {
    const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith(".js"));
    expect(fixtures.map((f) => f.script).sort()).toEqual(scripts.map((s) => `parity/${s}`).sort());
  });

  for (const fixture of fixtures) {
    it(fixture.script, async () => {
      const name = path.basename(fixture.script, ".js");
      const plain: ParityServer = await startParityServer();
      const tls: ParityServer = await startParityServer({ tls: tlsKeys });
      const h2: ParityServer = await startParityServer({ tls: tlsKeys, h2: true });
      try {
        const exportFile = path.join(dir, `${name}.json`);
        const r = await k6Cli(
          ["run", "--no-color", "--summary-export", exportFile, path.join(SCRIPTS, `${name}.js`)],
          dir,
          { BASE_URL: plain.baseUrl, TLS_URL: tls.baseUrl, H2_URL: h2.baseUrl },
        );
        const outcome = summarizeExport(JSON.parse(await readFile(exportFile, "utf8")));
        expect({ code: r.code, checks: outcome.checks, thresholds: outcome.thresholds }).toEqual({
          code: fixture.exitCode,
          checks: fixture.checks,
          thresholds: fixture.thresholds,
        });
        for (const [metric, count] of Object.entries(fixture.counts))
          expect({ metric, count: outcome.counts[metric] }).toEqual({ metric, count });
        expect(plain.hits + tls.hits + h2.hits).toBe(fixture.serverHits);
        for (const line of fixture.log) {
          const warning = warningOf(line);
          if (warning) expect(r.stderr).toContain(warning);
        }
        const errors = fixture.log.filter((l) => l.includes("source=stacktrace")).length;
        expect(r.stderr.split("Uncaught error in VU").length - 1).toBe(errors);
      } finally {
        await plain.close();
        await tls.close();
        await h2.close();
      }
    });
  }
});
