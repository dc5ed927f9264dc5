import { describe, expect, it } from "vitest";
import {
  choice,
  choices,
  duration,
  integer,
  integers,
  pairs,
  parseFlags,
  required,
  text,
} from "./flags.ts";

const parse = <F extends Parameters<typeof parseFlags>[2]>(flags: F, ...argv: string[]) =>
  parseFlags("load", argv, flags).values;

describe("flags", () => {
  it("take integers in range and name the flag and range otherwise", () => {
    const port = { port: integer("port", [0, 65535], 0) };
    expect(parse(port, "--port", "8080").port).toBe(8080);
    expect(parse(port).port).toBe(0);
    expect(() => parse(port, "--port", "70000")).toThrow(
      'load: --port "70000" is not an integer 0-65535',
    );
    expect(() => parse(port, "--port", "1.5")).toThrow(/not an integer/);
    expect(parse({ seconds: integer("s", [1, 9]) }).seconds).toBeUndefined();
  });

  it("take one of a list, with the nearest choice as the hint", () => {
    const profile = { profile: choice("bench profile", ["quick", "full"], "quick") };
    expect(parse(profile, "--profile", "full").profile).toBe("full");
    expect(parse(profile).profile).toBe("quick");
    try {
      parse(profile, "--profile", "ful");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        message: 'load: --profile "ful" is not one of quick, full',
        hint: expect.stringContaining('did you mean "full"?'),
        exitCode: 2,
      });
    }
  });

  it("split comma lists and repeated flags, checking every item", () => {
    const skip = { skip: choices("stages", ["k6", "bundle", "lighthouse"]) };
    expect(parse(skip, "--skip", "k6,lighthouse", "--skip", " bundle").skip).toEqual([
      "k6",
      "lighthouse",
      "bundle",
    ]);
    expect(parse(skip).skip).toEqual([]);
    expect(() => parse(skip, "--skip", "k6,app")).toThrow(/--skip "app" is not one of k6/);
    const sizes = { sizes: integers("sizes", [1, 500], [5, 10]) };
    expect(parse(sizes).sizes).toEqual([5, 10]);
    expect(parse(sizes, "--sizes", "2,3").sizes).toEqual([2, 3]);
    expect(() => parse(sizes, "--sizes", "2,0")).toThrow(/--sizes "0" is not an integer 1-500/);
  });

  it("take KEY=VALUE pairs, keeping '=' inside the value", () => {
    const vars = { var: { ...pairs("k6 variable", "A=1"), short: "e" } };
    expect(parse(vars, "-e", "A=1", "--var", "B=x=y").var).toEqual({ A: "1", B: "x=y" });
    expect(() => parse(vars, "-e", "=1")).toThrow(/--var "=1" is not KEY=VALUE/);
    expect(() => parse(vars, "-e", "A")).toThrow(/--var "A" is not KEY=VALUE/);
  });

  it("take k6 durations as milliseconds, the default included", () => {
    const timeout = { timeout: duration("wait", "30m") };
    expect(parse(timeout).timeout).toBe(1_800_000);
    expect(parse(timeout, "--timeout", "1h30m").timeout).toBe(5_400_000);
    expect(() => parse(timeout, "--timeout", "soon")).toThrow(/--timeout "soon" is not a duration/);
  });

  it("refuse an unknown flag, suggesting the nearest and listing the known ones", () => {
    try {
      parse({ profile: text("p") }, "--profle", "x");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        message: expect.stringContaining("--profle"),
        hint: expect.stringMatching(/did you mean "--profile"\?.*known options: --profile/),
        exitCode: 2,
      });
    }
  });

  it("refuse a missing required flag with an example, and check a given one as usual", () => {
    const base = { base: required(choice("git ref", ["main", "HEAD"]), "main") };
    expect(parse(base, "--base", "HEAD").base).toBe("HEAD");
    expect(() => parse(base)).toThrow(
      expect.objectContaining({
        message: "load: --base is required",
        hint: "e.g. --base main (main|HEAD)",
      }),
    );
    expect(() => parse(base, "--base", "x")).toThrow('--base "x" is not one of main, HEAD');
    const ref = { ref: required(text("git ref"), "main") };
    expect(() => parse(ref, "--ref", "")).toThrow("load: --ref is required");
  });
});
