/**
 * k6/encoding: base64 in k6's four variants (std, rawstd, url, rawurl), from text or bytes, back
 * to bytes (ArrayBuffer) or, with format "s", to text.
 */
type Variant = "std" | "rawstd" | "url" | "rawurl";

function bytes(input: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof input === "string") return Buffer.from(input, "utf8");
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  if (ArrayBuffer.isView(input))
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new Error(`b64encode: input must be a string or an ArrayBuffer, got ${typeof input}`);
}

function variant(name: string | undefined): Variant {
  const v = (name ?? "std") || "std";
  if (!["std", "rawstd", "url", "rawurl"].includes(v))
    throw new Error(`unsupported base64 encoding: ${v}`);
  return v as Variant;
}

export function b64encode(
  input: string | ArrayBuffer | ArrayBufferView,
  encoding?: string,
): string {
  const v = variant(encoding);
  let text = bytes(input).toString("base64");
  if (v === "url" || v === "rawurl") text = text.replace(/\+/g, "-").replace(/\//g, "_");
  return v.startsWith("raw") ? text.replace(/=+$/, "") : text;
}

export function b64decode(input: string, encoding?: string, format?: string): string | ArrayBuffer {
  const v = variant(encoding);
  const text = String(input);
  const urlAlphabet = v === "url" || v === "rawurl";
  const valid = urlAlphabet ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (!valid.test(text)) throw new Error(`illegal base64 data for the "${v}" encoding: ${text}`);
  const data = Buffer.from(text, urlAlphabet ? "base64url" : "base64");
  if (format === "s") return data.toString("utf8");
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

export default { b64encode, b64decode };
