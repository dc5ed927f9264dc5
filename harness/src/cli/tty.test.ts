import { describe, expect, it } from "vitest";
import { useColor } from "./tty.ts";

describe("useColor", () => {
  it("is off whenever NO_COLOR is set, even on a TTY or with FORCE_COLOR", () => {
    expect(useColor({ NO_COLOR: "1" }, true)).toBe(false);
    expect(useColor({ NO_COLOR: "1", FORCE_COLOR: "1" }, true)).toBe(false);
    expect(useColor({}, true)).toBe(true);
    expect(useColor({ CI: "true" }, true)).toBe(false);
  });
});
