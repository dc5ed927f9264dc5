import nodeCrypto from "node:crypto";
import { md4 as md4Digest } from "./md4.ts";

/**
 * k6/crypto on node:crypto: hash functions, hashers, HMAC and random bytes, with k6's output
 * encodings (hex, base64, base64url, base64rawurl, binary = ArrayBuffer).
 */
type Input = string | ArrayBuffer | ArrayBufferView;
type Encoding = "hex" | "base64" | "base64url" | "base64rawurl" | "binary";

/** k6's algorithm names -> Node's. */
const ALGORITHMS: Record<string, string> = {
  md4: "md4",
  md5: "md5",
  sha1: "sha1",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  sha512_224: "sha512-224",
  sha512_256: "sha512-256",
  ripemd160: "ripemd160",
};

function bytes(input: Input): Buffer {
  if (typeof input === "string") return Buffer.from(input, "utf8");
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  if (ArrayBuffer.isView(input))
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new Error(`k6/crypto: input must be a string or an ArrayBuffer, got ${typeof input}`);
}

function algorithm(name: string): string {
  const node = ALGORITHMS[name];
  if (!node) throw new Error(`invalid algorithm: ${name}`);
  return node;
}

function encode(digest: Buffer, encoding: string | undefined): string | ArrayBuffer {
  switch (encoding ?? "hex") {
    case "hex":
      return digest.toString("hex");
    case "base64":
      return digest.toString("base64");
    case "base64url":
      // k6: URL alphabet with padding; base64rawurl without.
      return digest.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
    case "base64rawurl":
      return digest.toString("base64url");
    case "binary":
      return digest.buffer.slice(
        digest.byteOffset,
        digest.byteOffset + digest.byteLength,
      ) as ArrayBuffer;
    default:
      throw new Error(`invalid output encoding: ${encoding}`);
  }
}

/** k6's Hasher: `update()` any number of times, then `digest(encoding)`. */
class Hasher {
  private readonly parts: Buffer[] = [];
  constructor(
    private readonly algo: string,
    private readonly key?: Buffer,
  ) {
    algorithm(algo);
  }
  update(input: Input): void {
    this.parts.push(bytes(input));
  }
  digest(encoding?: Encoding): string | ArrayBuffer {
    const data = Buffer.concat(this.parts);
    if (this.key !== undefined) {
      if (this.algo === "md4")
        throw new Error("k6/crypto: HMAC with md4 is not supported by the built-in engine");
      return encode(
        nodeCrypto.createHmac(algorithm(this.algo), this.key).update(data).digest(),
        encoding,
      );
    }
    if (this.algo === "md4") return encode(md4Digest(data), encoding);
    return encode(nodeCrypto.createHash(algorithm(this.algo)).update(data).digest(), encoding);
  }
}

export function createHash(algo: string): Hasher {
  return new Hasher(algo);
}

export function createHMAC(algo: string, secret: Input): Hasher {
  return new Hasher(algo, bytes(secret));
}

export function hmac(algo: string, secret: Input, data: Input, encoding?: Encoding) {
  const hasher = createHMAC(algo, secret);
  hasher.update(data);
  return hasher.digest(encoding);
}

const hashFn = (algo: string) => (input: Input, encoding?: Encoding) => {
  const hasher = createHash(algo);
  hasher.update(input);
  return hasher.digest(encoding);
};

export const md4 = hashFn("md4");
export const md5 = hashFn("md5");
export const sha1 = hashFn("sha1");
export const sha256 = hashFn("sha256");
export const sha384 = hashFn("sha384");
export const sha512 = hashFn("sha512");
export const sha512_224 = hashFn("sha512_224");
export const sha512_256 = hashFn("sha512_256");
export const ripemd160 = hashFn("ripemd160");

export function randomBytes(size: number): ArrayBuffer {
  const buffer = nodeCrypto.randomBytes(size);
  return buffer.buffer.slice(
    buffer.byteOffset,
    buffer.byteOffset + buffer.byteLength,
  ) as ArrayBuffer;
}

export default {
  createHash,
  createHMAC,
  hmac,
  md4,
  md5,
  sha1,
  sha256,
  sha384,
  sha512,
  sha512_224,
  sha512_256,
  ripemd160,
  randomBytes,
};
