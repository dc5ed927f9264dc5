import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, redactDeep, redactText } from "./redact.ts";

describe("redactText", () => {
  it.each([
    [
      "http://127.0.0.1:3000/api?token=abc123&limit=2",
      `http://127.0.0.1:3000/api?token=${REDACTED}&limit=2`,
    ],
    ["GET /x?limit=1&api_key=SECRET", `GET /x?limit=1&api_key=${REDACTED}`],
    ["/cb?code=4/0AX4XfW&state=1", `/cb?code=${REDACTED}&state=1`],
    ["http://user:hunter2@127.0.0.1/", `http://${REDACTED}@127.0.0.1/`],
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y", `Authorization: ${REDACTED}`],
    ['{"cookie":"sid=1; theme=dark"}', `{"cookie":"${REDACTED}"}`],
    ["sent Bearer abcdef123456 to the app", `sent Bearer ${REDACTED} to the app`],
    // Issue 22 (S2): names the first pattern missed.
    ["/x?auth_token=SECRETAUTHTOK2", `/x?auth_token=${REDACTED}`],
    ["/x?private_token=P1&a=1", `/x?private_token=${REDACTED}&a=1`],
    ["/x?access-token=A1", `/x?access-token=${REDACTED}`],
    ["token=SECRET123 in a line", `token=${REDACTED} in a line`],
  ])("redacts %s", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("leaves ordinary text alone", () => {
    expect(
      redactText("http_req_duration p(95)<500 passed (actual 1.1) /api/products?limit=20"),
    ).toBe("http_req_duration p(95)<500 passed (actual 1.1) /api/products?limit=20");
  });

  it("never lets a token value through, whatever the token is", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._~-]{8,40}$/), (token) => {
        const out = redactText(`http://127.0.0.1/x?a=1&access_token=${token}`);
        return !out.includes(token);
      }),
    );
  });
});

describe("redactDeep", () => {
  it("replaces secret-named fields and redacts nested strings without mutating the input", () => {
    const input = {
      headers: { Authorization: "Basic dXNlcjpwYXNz", accept: "json" },
      urls: ["/a?token=x1y2z3"],
    };
    const out = redactDeep(input);
    expect(out).toEqual({
      headers: { Authorization: REDACTED, accept: "json" },
      urls: [`/a?token=${REDACTED}`],
    });
    expect(input.headers.Authorization).toBe("Basic dXNlcjpwYXNz");
  });
});
