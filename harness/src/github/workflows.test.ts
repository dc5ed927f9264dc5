import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { actionlint as lint } from "../../test/actionlint.ts";

const ROOT = new URL("../../../", import.meta.url);
const WORKFLOWS = new URL(".github/workflows/", ROOT);
const HARNESS = new URL("harness/", ROOT);

const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));

describe("GitHub workflows", () => {
  it("exist: ci, perf and the trusted perf-comment half", () => {
    expect(files.sort()).toEqual(["ci.yml", "perf-comment.yml", "perf.yml"]);
  });

  it.each(files)("%s passes actionlint", async (name) => {
    const text = readFileSync(new URL(name, WORKFLOWS), "utf8");
    expect(await lint(text, `.github/workflows/${name}`)).toEqual([]);
  });

  it("actionlint catches a broken workflow (the check can fail)", async () => {
    const broken = readFileSync(
      new URL("test/fixtures/github/broken-workflow.yml", HARNESS),
      "utf8",
    );
    const problems = await lint(broken, "broken.yml");
    expect(problems.join("\n")).toMatch(/unknown permission scope "pull-request"/);
    expect(problems.join("\n")).toMatch(/property "evnt_name" is not defined/);
    expect(problems.join("\n")).toMatch(
      /"github.event.pull_request.title" is potentially untrusted/,
    );
    // A current actionlint: it knows actions/checkout@v4's inputs and the ubuntu-24.04 label.
    expect(problems.join("\n")).toMatch(
      /input "fetch-dept" is not defined in action "actions\/checkout@v4"/,
    );
    expect(problems.join("\n")).not.toMatch(/ubuntu-24\.04/);
  });

  it.each(files)("%s runs its jobs on the runner, not as root in a container", (name) => {
    // A root container over the runner-owned workspace makes git refuse the checkout.
    const text = readFileSync(new URL(name, WORKFLOWS), "utf8");
    expect(text).not.toMatch(/^\s+container:/m);
    expect(text).not.toMatch(/^\s+services:/m);
  });

  it("no job runs untrusted PR code with a write token", () => {
    const perf = readFileSync(new URL("perf.yml", WORKFLOWS), "utf8");
    const compare = perf.slice(perf.indexOf("  compare:"), perf.indexOf("  record:"));
    expect(compare).toMatch(/permissions:\n\s+contents: read\n/);
    expect(compare).not.toMatch(/: write/);
    const trusted = readFileSync(new URL("perf-comment.yml", WORKFLOWS), "utf8");
    expect(trusted).toMatch(/^permissions: \{\}$/m);
    // The trusted half checks out the default branch only, never the PR's head.
    expect(trusted).not.toMatch(/^\s+ref:|head_sha|head_branch/m);
  });
});

describe("the dashboard on GitHub Pages", () => {
  const perf = readFileSync(new URL("perf.yml", WORKFLOWS), "utf8");
  const record = perf.slice(perf.indexOf("  record:"), perf.indexOf("  pages:"));
  const pages = perf.slice(perf.indexOf("  pages:"), perf.indexOf("  nightly:"));

  it("uploads reports/ after the main-branch run and deploys it from a job of its own", () => {
    expect(record).toMatch(/uses: actions\/upload-pages-artifact@v3\n\s+with:\n\s+path: reports\//);
    expect(record.indexOf("upload-pages-artifact")).toBeGreaterThan(
      record.indexOf("npm run report"),
    );
    expect(pages).toMatch(/needs: record/);
    expect(pages).toMatch(/uses: actions\/deploy-pages@v4/);
    expect(pages).toMatch(/permissions:\n\s+pages: write\n\s+id-token: write\n/);
    expect(pages).not.toMatch(/contents: write|npm /);
  });
});

describe("composite action (action.yml)", () => {
  const action = readFileSync(fileURLToPath(new URL("action.yml", ROOT)), "utf8");

  it("uses only inputs it declares", () => {
    const declared = new Set(
      [...action.slice(0, action.indexOf("\noutputs:")).matchAll(/^ {2}([a-z-]+):$/gm)].map(
        (m) => m[1],
      ),
    );
    const used = new Set([...action.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]));
    expect([...used].filter((name) => !declared.has(name))).toEqual([]);
    expect(declared.size).toBeGreaterThan(0);
  });

  it("gives every run step a shell, as composite actions require", () => {
    const runs = action.match(/^ {6}run: /gm)?.length ?? 0;
    expect(runs).toBeGreaterThan(0);
    expect(action.match(/^ {6}shell: bash$/gm)?.length).toBe(runs);
    expect(action).toMatch(/^ {2}using: composite$/m);
  });
});
