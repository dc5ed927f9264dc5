import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue 22 (S1, S2, S4): secrets sent through a scenario and an endpoint pass — Authorization,
 * Cookie, token, auth_token, private_token, access-token, api_key, user:password@ and a name
 * from the config's `redact` list — reach the app (so they were really sent) and none of their
 * values is in any file under reports/, .perf/, the --out json output, or the terminal.
 */
const root = path.resolve(import.meta.dirname, "../../..");
const SECRETS = {
  PG_BEARER: "SECRETBEARER01",
  PG_COOKIE: "SECRETCOOKIE02",
  PG_TOKEN: "SECRETTOKEN03",
  PG_AUTH_TOKEN: "SECRETAUTHTOK04",
  PG_PRIVATE_TOKEN: "SECRETPRIVTOK05",
  PG_ACCESS_TOKEN: "SECRETACCESSTOK06",
  PG_API_KEY: "SECRETAPIKEY07",
  PG_PASSWORD: "SECRETPASSWORD08",
  PG_TENANT_PIN: "SECRETTENANTPIN09",
};
const ENDPOINT_SECRETS = ["SECRETEPTOKEN10", "SECRETEPAUTH11", "SECRETEPCOOKIE12"];
const ALL = [...Object.values(SECRETS), ...ENDPOINT_SECRETS];

// Secrets come from the environment (k6's __ENV), as they should: a literal in the scenario
// would be in its bundle under .perf/ like any other source line.
const SCENARIO = `
import http from "k6/http";
import { check } from "k6";
const e = __ENV;
const base = e.BASE_URL;
const urls = [
  base + "/a?token=" + e.PG_TOKEN + "&limit=2",
  base + "/b?auth_token=" + e.PG_AUTH_TOKEN,
  base + "/c?private_token=" + e.PG_PRIVATE_TOKEN,
  base + "/d?access-token=" + e.PG_ACCESS_TOKEN,
  base + "/e?api_key=" + e.PG_API_KEY,
  base + "/f?tenant_pin=" + e.PG_TENANT_PIN,
];
const withPassword = base.replace("http://", "http://pguser:" + e.PG_PASSWORD + "@") + "/g";
export const options = {
  vus: 1,
  iterations: urls.length + 2,
  // Sub-metrics named by URL: their names reach the summary, the record and the charts.
  thresholds: Object.fromEntries(urls.map((u) => ["http_req_duration{url:" + u + "}", ["p(95)<60000"]])),
};
export default function () {
  const headers = { Authorization: "Bearer " + e.PG_BEARER, Cookie: "session=" + e.PG_COOKIE };
  const url = __ITER < urls.length ? urls[__ITER] : __ITER === urls.length ? withPassword
    : "http://127.0.0.1:1/refused?token=" + e.PG_TOKEN;
  // user:password@ is sent as Basic auth, which a script's own Authorization header would replace.
  const res = http.get(url, { headers: url === withPassword ? { Cookie: headers.Cookie } : headers });
  // A careless script prints what it sent.
  console.log("GET " + url + " " + JSON.stringify(headers) + " -> " + res.status);
  check(res, { answered: (r) => r.status === 200 || r.status === 0 });
}
`;

let server: Server;
let baseUrl: string;
const received = new Set<string>();
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    // Basic credentials decoded, so a password sent as user:password@ is seen as sent.
    const auth = req.headers.authorization ?? "";
    const basic = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString() : "";
    received.add(`${req.url} ${auth} ${basic} ${req.headers.cookie ?? ""}`);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-secrets-"));
  await writeFile(path.join(dir, "secrets.js"), SCENARIO);
  const config = {
    target: { baseUrl },
    profiles: {
      secrets: {
        scenarios: ["secrets.js"],
        endpoints: [
          {
            id: "ep",
            path: `/ep?private_token=${ENDPOINT_SECRETS[0]}`,
            headers: {
              Authorization: `Bearer ${ENDPOINT_SECRETS[1]}`,
              Cookie: `sid=${ENDPOINT_SECRETS[2]}`,
            },
            connections: 1,
            durationSeconds: 1,
            maxErrorShare: 1,
          },
        ],
      },
    },
    redact: ["Tenant-Pin"],
  };
  await writeFile(path.join(dir, "perfgate.config.json"), JSON.stringify(config, null, 2));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function perfgate(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, "harness/bin/perfgate.mjs"), ...args],
      {
        cwd: dir,
        env: { ...process.env, ...SECRETS, PERFGATE_ENGINE: "builtin", CI: "true" },
        timeout: 120_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number) ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

/** Every file under `folder`, as [relative path, content]; file names count as content. */
async function filesUnder(folder: string): Promise<[string, string][]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry): Promise<[string, string]> => {
      const file = path.join(entry.parentPath, entry.name);
      return [path.relative(dir, file), await readFile(file, "latin1")];
    }),
  );
}

function leaks(texts: [string, string][]): string[] {
  return texts.flatMap(([name, text]) =>
    ALL.filter((secret) => name.includes(secret) || text.includes(secret)).map(
      (secret) => `${secret} in ${name}`,
    ),
  );
}

describe("no secret reaches a file or the terminal", () => {
  it("perfgate load: reports/, .perf/ and the terminal hold none of the values sent", async () => {
    const { code, out } = await perfgate(["load", "--profile", "secrets"]);
    expect(out).toContain("wrote reports/runs/");
    expect(code, out).toBe(0);
    // They were sent: the app saw each one.
    for (const secret of Object.values(SECRETS)) expect([...received].join("\n")).toContain(secret);
    for (const secret of ENDPOINT_SECRETS) expect([...received].join("\n")).toContain(secret);
    const files = [
      ...(await filesUnder(path.join(dir, "reports"))),
      ...(await filesUnder(path.join(dir, ".perf"))),
    ];
    const names = files.map(([name]) => name);
    expect(names.some((name) => /^reports\/runs\/.+\/report\.md$/.test(name))).toBe(true);
    expect(files.some(([name]) => name.startsWith("reports/charts/"))).toBe(true);
    expect(leaks([...files, ["terminal", out]])).toEqual([]);
    // Redacted, not dropped: the report still names the URLs it measured.
    const report = files.find(([name]) => name.endsWith("report.md"))?.[1] ?? "";
    expect(`${report}${out}`).toContain("auth_token=[REDACTED]");
  });

  it("perfgate k6 run: --out json, --summary-export, --hdr-out and the terminal hold none", async () => {
    await mkdir(path.join(dir, "out"));
    const { code, out } = await perfgate([
      "k6",
      "run",
      "--redact",
      "tenant_pin",
      "-e",
      `BASE_URL=${baseUrl}`,
      "--out",
      "json=out/samples.ndjson",
      "--summary-export",
      "out/summary.json",
      "--hdr-out",
      "out/hdr.json",
      "secrets.js",
    ]);
    expect(code, out).toBe(0);
    const files = await filesUnder(path.join(dir, "out"));
    const samples = files.find(([name]) => name.endsWith("samples.ndjson"))?.[1] ?? "";
    expect(samples).toContain(`"url":"${baseUrl}/b?auth_token=[REDACTED]"`);
    expect(leaks([...files, ["terminal", out]])).toEqual([]);
  });
});
