import type { Detected } from "./detect.ts";

/** The choices `perfgate init` writes into the files (flags, else what it detected). */
export interface InitChoices extends Detected {
  /** Start command of the app (`{port}` is a free port, also passed as PORT). */
  start: string;
  readyUrl: string;
}

/** Every file `perfgate init` writes, by repository-relative path. Pure. */
export function initFiles(choices: InitChoices): Record<string, string> {
  return {
    "perfgate.config.ts": configFile(choices),
    "scenarios/smoke.ts": SMOKE_SCENARIO,
    "microbench/example.bench.ts": MICROBENCH_EXAMPLE,
    "lighthouserc.json": LIGHTHOUSERC,
    ".github/workflows/perfgate.yml": workflow(choices),
    "reports/README.md": REPORTS_README,
  };
}

function configFile(c: InitChoices): string {
  const bundle = c.buildCommand
    ? `  // Judge the web bundle (detected: a build script):\n  // bundle: { command: ${JSON.stringify(c.buildCommand)}, outDir: ${JSON.stringify(c.outDir)} },\n`
    : `  // bundle: { command: "npm run build", outDir: "dist" },\n`;
  return `// perfgate's config: what \`npx perfgate load\` runs. Reference: perfgate's README, "Config reference".
import { defineConfig } from "perfgate";

export default defineConfig({
  target: {
    // The app under test: perfgate starts it on a free port ({port}, also in PORT) and waits
    // until readyUrl answers 2xx. Or test one already running: target: { baseUrl: "http://127.0.0.1:3000" }.
    start: {
      command: ${JSON.stringify(c.start)},
      readyUrl: ${JSON.stringify(c.readyUrl)},
      env: { NODE_ENV: "production" },
    },
  },
  profiles: {
    ci: {
      scenarios: ["scenarios/smoke.ts"],
      vars: { SMOKE_DURATION: "10s" },
      // Closed-loop passes (autocannon): a pass with more than 1 % errors or non-2xx answers fails.
      endpoints: [{ id: "home", path: "/", connections: 10, durationSeconds: 5 }],
    },
  },
  microbench: { include: ["microbench/*.bench.ts"] },
${bundle}  // Lighthouse CI (needs @lhci/cli and a Chromium); budgets live in lighthouserc.json:
  // lighthouse: { config: "lighthouserc.json", pages: [{ id: "home", path: "/" }] },
});
`;
}

const SMOKE_SCENARIO = `// A starter k6 scenario in TypeScript (types: npm i -D @types/k6). perfgate runs it on real
// k6 when installed, else on its built-in engine; BASE_URL is the app under test.
import { check, sleep } from "k6";
import http from "k6/http";
import type { Options } from "k6/options";

export const options: Options = {
  vus: 5,
  duration: __ENV.SMOKE_DURATION || "10s",
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<500"],
  },
};

export default function (): void {
  const res = http.get(\`\${__ENV.BASE_URL}/\`);
  check(res, { "status is 2xx": (r) => r.status >= 200 && r.status < 300 });
  sleep(0.1);
}
`;

const MICROBENCH_EXAMPLE = `// A microbenchmark suite for \`npx perfgate bench\`: each case runs in a fresh process, timed
// with mitata and tinybench; \`baseline\` is the case the others are reported against.
export default {
  id: "example",
  title: "String building",
  groups: [
    {
      id: "join",
      title: "1,000 parts into one string",
      ops: 1000,
      baseline: "concat",
      cases: [
        {
          id: "concat",
          setup: () => ({
            run: () => {
              let s = "";
              for (let i = 0; i < 1000; i++) s += i;
              return s.length;
            },
          }),
        },
        {
          id: "array-join",
          setup: () => ({
            run: () => {
              const parts: string[] = [];
              for (let i = 0; i < 1000; i++) parts.push(String(i));
              return parts.join("").length;
            },
          }),
        },
      ],
    },
  ],
};
`;

const LIGHTHOUSERC = `${JSON.stringify(
  {
    ci: {
      collect: { numberOfRuns: 3, settings: { chromeFlags: "--no-sandbox --headless=new" } },
      assert: {
        assertions: {
          "categories:performance": ["error", { minScore: 0.9, aggregationMethod: "median-run" }],
          "largest-contentful-paint": [
            "error",
            { maxNumericValue: 2500, aggregationMethod: "median-run" },
          ],
          "cumulative-layout-shift": [
            "error",
            { maxNumericValue: 0.1, aggregationMethod: "median-run" },
          ],
        },
      },
      upload: { target: "filesystem", outputDir: ".lighthouseci/reports" },
    },
  },
  null,
  2,
)}\n`;

function workflow(c: InitChoices): string {
  const install = {
    npm: "npm ci",
    pnpm: "pnpm install --frozen-lockfile",
    yarn: "yarn install --frozen-lockfile",
    bun: "bun install --frozen-lockfile",
  }[c.packageManager];
  return `# perfgate: load, endpoint and budget checks on every pull request; main keeps the history.
name: perfgate
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: write
jobs:
  perf:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: ${install}
      - run: npx perfgate load
      - if: github.ref == 'refs/heads/main'
        run: npx perfgate github commit-reports --path reports --branch main
`;
}

const REPORTS_README = `# reports/

Written by perfgate: one folder per run under \`runs/<runId>/\` (\`run.json\`, the validated run
record, and \`report.md\`), trend pages (\`TRENDS.md\`, \`charts/\`, \`index.html\`) rebuilt by
\`npx perfgate report\`, and monthly archives under \`archive/\` (\`npx perfgate compact\`).
Commit this folder: it is the history that comparisons and change points are computed from.
`;
