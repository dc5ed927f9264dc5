import { describe, expect, it } from "vitest";
import crypto from "./crypto.ts";
import { b64decode, b64encode } from "./encoding.ts";
import { md4 } from "./md4.ts";

describe("k6/crypto and k6/encoding", () => {
  it("md4 matches RFC 1320's test vectors (OpenSSL 3 dropped it from Node)", () => {
    const vectors: [string, string][] = [
      ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
      ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
      ["message digest", "d9130a8164549fe818874806e1c7014b"],
      ["1234567890".repeat(8), "e33b4ddc9c38f2199c3e7b164fcc0536"],
    ];
    for (const [input, hex] of vectors) expect(md4(Buffer.from(input)).toString("hex")).toBe(hex);
  });

  it("hashes, HMACs and hashers in k6's output encodings", () => {
    expect(crypto.sha256("hello", "base64rawurl")).toBe(
      "LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ",
    );
    expect(crypto.md5("hello", "base64")).toBe("XUFAKrxLKna5cZ2REBfFkg==");
    expect((crypto.sha1("x", "binary") as ArrayBuffer).byteLength).toBe(20);
    const hasher = crypto.createHMAC("sha256", "key");
    hasher.update("da");
    hasher.update("ta");
    expect(hasher.digest("hex")).toBe(crypto.hmac("sha256", "key", "data", "hex"));
    expect(() => crypto.createHash("sha3")).toThrow("invalid algorithm: sha3");
    expect(crypto.randomBytes(8).byteLength).toBe(8);
  });

  it("base64 in std, rawstd, url and rawurl, to text or bytes", () => {
    expect(b64encode("hello?>", "rawurl")).toBe("aGVsbG8_Pg");
    expect(b64decode("aGVsbG8/Pg==", "std", "s")).toBe("hello?>");
    expect(() => b64decode("aGVsbG8_Pg", "std")).toThrow(
      'illegal base64 data for the "std" encoding',
    );
    expect(() => b64encode("x", "b32")).toThrow("unsupported base64 encoding: b32");
  });
});
