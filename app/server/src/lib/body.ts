import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { HttpError } from "../http.ts";
import { checkJsonText } from "./text.ts";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Read a JSON body of at most `maxBytes`; 415, 413 and 400 name what was wrong (400 also for
 * a string holding NUL or a lone surrogate, named by its path).
 */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, `content-type: expected application/json, got "${type}"`);
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw new HttpError(413, `body: larger than ${maxBytes} bytes`);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) throw new HttpError(413, `body: larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  let text: string;
  try {
    text = strictUtf8.decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, "body: not valid UTF-8 (JSON text must be UTF-8)");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body: not valid JSON (${(error as Error).message})`);
  }
  checkJsonText(value, "body");
  return value;
}

/** Validate with zod; a 400 lists every problem as `field: message`. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where = "body"): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${[where, ...issue.path].join(".")}: ${issue.message}`,
  );
  throw new HttpError(400, problems.join("; "));
}

/** An integer query or path parameter within [min, max], or the fallback when absent. */
export function intParam(
  name: string,
  text: string | null | undefined,
  fallback: number | undefined,
  min: number,
  max: number,
): number {
  if (text === null || text === undefined || text === "") {
    if (fallback === undefined) throw new HttpError(400, `${name}: required`);
    return fallback;
  }
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new HttpError(
      400,
      `${name}: expected an integer ${min}-${max}, got "${text.slice(0, 40)}"`,
    );
  }
  return value;
}
