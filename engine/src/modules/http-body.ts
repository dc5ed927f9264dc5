import { randomBytes } from "node:crypto";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";

/** What `http.file()` returns (k6's FileData), plain data so it crosses to the I/O thread. */
export interface FileData {
  readonly __perfgateFile: true;
  data: ArrayBuffer;
  filename: string;
  content_type: string;
}

function toBytes(data: unknown): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return Buffer.from(data.map(Number));
  throw new Error(
    `http.file(): data must be a string, an ArrayBuffer or bytes, got ${typeof data}`,
  );
}

/** k6's `http.file(data, filename, contentType)`; the defaults are k6's. */
export function file(data: unknown, filename?: string, contentType?: string): FileData {
  const bytes = toBytes(data);
  return {
    __perfgateFile: true,
    data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    filename: filename ?? String(Date.now() * 1_000_000),
    content_type: contentType ?? "application/octet-stream",
  };
}

function isFile(value: unknown): value is FileData {
  return typeof value === "object" && value !== null && "__perfgateFile" in value;
}

/** Go's url.QueryEscape: only `-_.~` stay as they are, a space is `+`. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** Go's `%v` for the values a form field may hold. */
function formValue(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** k6's form body: keys sorted (Go's url.Values.Encode), an array's items as repeated keys. */
function formBody(data: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(data).sort()) {
    const value = data[key];
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) pairs.push(`${queryEscape(key)}=${queryEscape(formValue(item))}`);
  }
  return pairs.join("&");
}

const escapeQuotes = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** k6's multipart body (Go's mime/multipart): files as file parts, the rest as fields. */
function multipartBody(data: Record<string, unknown>): { body: Buffer; contentType: string } {
  const boundary = randomBytes(30).toString("hex");
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(data)) {
    const head = isFile(value)
      ? `Content-Disposition: form-data; name="${escapeQuotes(key)}"; filename="${escapeQuotes(value.filename)}"\r\nContent-Type: ${value.content_type}`
      : `Content-Disposition: form-data; name="${escapeQuotes(key)}"`;
    const lead = parts.length === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`;
    parts.push(Buffer.from(`${lead}${head}\r\n\r\n`));
    parts.push(isFile(value) ? Buffer.from(value.data) : Buffer.from(formValue(value)));
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A request body as k6 builds it: text, bytes, a form (array values repeated) or, when an
 * object holds an `http.file()`, multipart. Sets Content-Type unless the script did.
 */
export function encodeBody(
  body: unknown,
  headers: Record<string, string>,
): string | Buffer | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body !== "object") return String(body);
  const data = body as Record<string, unknown>;
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === "content-type");
  if (Object.values(data).some(isFile)) {
    const { body: bytes, contentType } = multipartBody(data);
    if (!hasType) headers["Content-Type"] = contentType;
    return bytes;
  }
  if (!hasType) headers["Content-Type"] = "application/x-www-form-urlencoded";
  return formBody(data);
}

const COMPRESSORS: Record<string, (data: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
};

/**
 * k6's `compression` param: the body compressed by each listed algorithm in turn, and
 * Content-Encoding set unless the script set its own.
 */
export function compressBody(
  payload: string | Buffer | undefined,
  compression: string | undefined,
  headers: Record<string, string>,
): string | Buffer | undefined {
  const algorithms = (compression ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (algorithms.length === 0 || payload === undefined) return payload;
  let data: Buffer = Buffer.from(payload);
  for (const algorithm of algorithms) {
    const compress = COMPRESSORS[algorithm];
    if (!compress)
      throw new Error(
        `unknown compression algorithm ${algorithm}, supported algorithms are gzip, deflate and br (zstd is not supported by the built-in engine)`,
      );
    data = compress(data);
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-encoding"))
    headers["Content-Encoding"] = algorithms.join(", ");
  return data;
}
