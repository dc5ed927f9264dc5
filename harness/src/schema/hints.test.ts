import { describe, expect, it } from "vitest";
import { editDistance, nearestHint } from "./hints.ts";

describe("nearestHint", () => {
  it("names the known name a typo is nearest to", () => {
    expect(nearestHint("--profil", ["--profile", "--port", "--skip"])).toBe(
      'did you mean "--profile"? ',
    );
    expect(nearestHint("lod", ["load", "lhci", "diff"])).toBe('did you mean "load"? ');
  });

  it("says nothing when no name is close enough to be a typo", () => {
    expect(nearestHint("--wholly-different", ["--profile", "--port"])).toBe("");
    expect(nearestHint("x", [])).toBe("");
  });
});

describe("editDistance", () => {
  it("counts inserts, deletes and substitutions", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });
});
