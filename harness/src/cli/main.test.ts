import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { captureIo } from "../../test/capture-io.ts";
import { commands } from "./commands/index.ts";
import { runCli } from "./main.ts";

const io = () => captureIo(path.resolve(import.meta.dirname, "../../.."));

describe("runCli exit codes", () => {
  it("0 for --help, listing every command", async () => {
    const cli = io();
    expect(await runCli(["--help"], cli)).toBe(0);
    expect(cli.output()).toContain("doctor");
    expect(cli.output()).toContain("schema");
  });

  it("2 with the usage when no command is given", async () => {
    const cli = io();
    expect(await runCli([], cli)).toBe(2);
    expect(cli.output()).toContain("perfgate <command>");
  });

  it("2 for an unknown command, naming it and the known ones", async () => {
    const cli = io();
    expect(await runCli(["lod"], cli)).toBe(2);
    expect(cli.output()).toMatch(/error\[E_USAGE\]: unknown command "lod"\n {2}hint: .*doctor/);
  });

  it("2 for compare --blocks below what the paired test needs, before anything runs", async () => {
    const cli = io();
    expect(await runCli(["compare", "--base", "HEAD", "--blocks", "2"], cli)).toBe(2);
    expect(cli.output()).toContain('--blocks "2" is not an integer 3-100');
  });

  it("4 for a run record that fails validation, 0 for a valid one", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-cli-"));
    try {
      const bad = path.join(dir, "bad.json");
      await writeFile(bad, JSON.stringify({ schemaVersion: 1, runId: "x" }));
      const cli = io();
      expect(await runCli(["schema", "validate", bad], cli)).toBe(4);
      expect(cli.output()).toContain("runId: must be <YYYYMMDDTHHMMSSZ>_<short sha>");
      const good = io();
      expect(
        await runCli(["schema", "validate", "harness/test/fixtures/runs/minimal-run.json"], good),
      ).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("3 with the stack for an unexpected internal error, never a crash", async () => {
    const cli = io();
    const broken = {
      ...cli,
      out: () => {
        throw new TypeError("boom");
      },
    };
    expect(await runCli(["--help"], broken)).toBe(3);
    expect(cli.output()).toContain("error[E_INTERNAL]: TypeError: boom");
  });
});

describe("CLI conventions", () => {
  it("--help on every command exits 0 with usage, every flag described, and an example", async () => {
    for (const [name, entry] of Object.entries(commands)) {
      const cli = io();
      expect(await runCli([name, "--help"], cli), name).toBe(0);
      expect(cli.output(), name).toContain(`usage: perfgate ${name.split(" ")[0]}`);
      expect(cli.output(), name).toMatch(/examples:\n {2}(npx )?perfgate /);
      const command = await entry.load();
      for (const [flag, { help }] of Object.entries(command.options ?? {})) {
        expect(help, `${name} --${flag} has no help line`).toBeTruthy();
        expect(cli.output(), name).toContain(`--${flag}`);
      }
    }
  });

  it("help lines come from the flags: accepted values, repetition and defaults", async () => {
    const compare = io();
    expect(await runCli(["compare", "--help"], compare)).toBe(0);
    expect(compare.output()).toMatch(
      /--blocks <value> +interleaved A\/B blocks of the first pass \(3-100; default: 6\)\n/,
    );
    const github = io();
    expect(await runCli(["github", "--help"], github)).toBe(0);
    expect(github.output()).toMatch(/ {2}publish: .*\n {4}--compare-dir <value> /);
    expect(github.output()).toMatch(/--comment <value> +.*\(off\|direct\|bundle; default: off\)/);
    expect(github.output()).toMatch(
      /--label <value> +issue label \(repeatable; default: performance\)/,
    );
  });

  it("--version prints the harness package's version", async () => {
    const cli = io();
    expect(await runCli(["--version"], cli)).toBe(0);
    expect(cli.output()).toBe("0.1.0\n");
  });

  it("an unknown flag or command suggests the nearest known one", async () => {
    const flag = io();
    expect(await runCli(["load", "--profle", "quick"], flag)).toBe(2);
    expect(flag.output()).toContain('did you mean "--profile"?');
    const command = io();
    expect(await runCli(["lod"], command)).toBe(2);
    expect(command.output()).toContain('did you mean "load"?');
    const far = io();
    expect(await runCli(["zzzzzzzz"], far)).toBe(2);
    expect(far.output()).not.toContain("did you mean");
  });
});
