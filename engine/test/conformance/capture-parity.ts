/**
 * Captures what the real k6 v0.48.0 does with each `parity/*.js` script against the parity
 * server, into `../fixtures/k6-v0.48.0/parity/<name>.json` (exit code, checks, counters and its
 * log lines). Run by hand where a k6 binary exists: `K6_PATH=/path/to/k6 npx tsx
 * engine/test/conformance/capture-parity.ts [name...]`. The tests only read the fixtures.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { summarizeExport } from "./parity-outcome.ts";
import { type ParityServer, startParityServer } from "./parity-server.ts";
import { selfSignedCert } from "./tls-cert.ts";

const run = promisify(execFile);
const SCRIPTS = path.join(import.meta.dirname, "parity");
const OUT = path.join(import.meta.dirname, "../fixtures/k6-v0.48.0/parity");
const k6 = process.env.K6_PATH;
if (!k6) throw new Error("set K6_PATH to a k6 v0.48.0 binary");

const wanted = process.argv.slice(2);
const names = (await readdir(SCRIPTS))
  .filter((f) => f.endsWith(".js"))
  .map((f) => f.slice(0, -3))
  .filter((n) => wanted.length === 0 || wanted.includes(n));
await mkdir(OUT, { recursive: true });
const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-capture-"));
const servers: ParityServer[] = [];
try {
  for (const name of names) {
    const plain = await startParityServer();
    const keys = selfSignedCert();
    const tls = await startParityServer({ tls: keys });
    const h2 = await startParityServer({ tls: keys, h2: true });
    servers.push(plain, tls, h2);
    const exportFile = path.join(dir, `${name}.json`);
    let code = 0;
    let stderr = "";
    try {
      ({ stderr } = await run(
        k6,
        [
          "run",
          "--no-color",
          "-q",
          "--summary-export",
          exportFile,
          path.join(SCRIPTS, `${name}.js`),
        ],
        {
          env: {
            ...process.env,
            BASE_URL: plain.baseUrl,
            TLS_URL: tls.baseUrl,
            H2_URL: h2.baseUrl,
          },
          timeout: 60_000,
        },
      ));
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      code = failed.code;
      stderr = failed.stderr;
    }
    const summary = JSON.parse(await readFile(exportFile, "utf8"));
    const fixture = {
      script: `parity/${name}.js`,
      exitCode: code,
      serverHits: plain.hits + tls.hits + h2.hits,
      ...summarizeExport(summary),
      log: stderr
        .split("\n")
        .filter((line) => /level=(warning|error)/.test(line))
        .map((line) =>
          line
            .replace(/^time="[^"]*" /, "")
            .replaceAll(pathToFileURL(SCRIPTS).href, "SCRIPTS")
            .replaceAll(plain.baseUrl, "BASE_URL")
            .replaceAll(tls.baseUrl, "TLS_URL")
            .replaceAll(h2.baseUrl, "H2_URL"),
        ),
    };
    await writeFile(path.join(OUT, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(name, code, JSON.stringify(fixture.checks));
    await plain.close();
    await tls.close();
    await h2.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
