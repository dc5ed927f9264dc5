import { describe, expect, it } from "vitest";
import { choiceFlag, choicesFlag, integerFlag, keyValueFlag } from "./args.ts";

describe("flag parsers", () => {
  it("take integers in range and name the flag and range otherwise", () => {
    expect(integerFlag("load", "port", "8080", 0, 65535)).toBe(8080);
    expect(() => integerFlag("load", "port", "70000", 0, 65535)).toThrow(
      'load: --port "70000" is not an integer 0-65535',
    );
    expect(() => integerFlag("load", "port", "1.5", 0, 65535)).toThrow(/not an integer/);
  });

  it("take one of a list, with the nearest choice as the hint", () => {
    expect(choiceFlag("bench", "profile", "full", ["quick", "full"])).toBe("full");
    try {
      choiceFlag("bench", "profile", "ful", ["quick", "full"]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        message: 'bench: --profile "ful" is not one of quick, full',
        hint: expect.stringContaining('did you mean "full"?'),
        exitCode: 2,
      });
    }
  });

  it("split comma lists and repeated flags, checking every item", () => {
    expect(
      choicesFlag("load", "skip", ["k6,lighthouse", " bundle"], ["k6", "bundle", "lighthouse"]),
    ).toEqual(["k6", "lighthouse", "bundle"]);
    expect(() => choicesFlag("load", "skip", "k6,app", ["k6"])).toThrow(
      /--skip "app" is not one of k6/,
    );
  });

  it("take KEY=VALUE pairs, keeping '=' inside the value", () => {
    expect(keyValueFlag("load", "var", ["A=1", "B=x=y"], "A=1")).toEqual({ A: "1", B: "x=y" });
    expect(() => keyValueFlag("load", "var", ["=1"], "A=1")).toThrow(/--var "=1" is not KEY=VALUE/);
    expect(() => keyValueFlag("load", "var", ["A"], "A=1")).toThrow(/--var "A" is not KEY=VALUE/);
  });
});
