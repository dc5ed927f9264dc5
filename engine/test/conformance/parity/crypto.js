// k6/crypto: hashes, HMAC, hashers, random bytes.
import { check } from "k6";
import crypto, { hmac, md5, sha256 } from "k6/crypto";

export default function () {
  const hasher = crypto.createHash("sha1");
  hasher.update("hello ");
  hasher.update("world");
  const mac = crypto.createHMAC("sha256", "key");
  mac.update("data");
  check(null, {
    "sha256 hex": () =>
      sha256("hello", "hex") === "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    "md5 base64": () => md5("hello", "base64") === "XUFAKrxLKna5cZ2REBfFkg==",
    "sha512 hex length": () => crypto.sha512("x", "hex").length === 128,
    hmac: () => hmac("sha256", "key", "data", "hex") === mac.digest("hex"),
    hasher: () => hasher.digest("hex") === crypto.sha1("hello world", "hex"),
    base64rawurl: () =>
      crypto.sha256("hello", "base64rawurl") === "LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ",
    randomBytes: () => crypto.randomBytes(16).byteLength === 16,
    "binary digest": () => crypto.sha256("hello", "binary").byteLength === 32,
    "md4 ripemd160": () =>
      crypto.md4("abc", "hex") === "a448017aaf21d8525fc10ae87aa6729d" &&
      crypto.ripemd160("abc", "hex") === "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc",
  });
}
