import { HttpError } from "../http.ts";

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why a string is not text the app can store or search, or `undefined` when it is. Postgres
 * text cannot hold NUL (the query fails, which was a 500), and a lone UTF-16 surrogate has no
 * UTF-8 form (it would be stored as U+FFFD, silently changing what the client sent).
 */
export function textProblem(value: string): string | undefined {
  const nul = value.indexOf("\0");
  if (nul >= 0) return `contains a NUL character (at ${nul})`;
  const lone = LONE_SURROGATE.exec(value);
  if (lone) return `contains a lone UTF-16 surrogate (at ${lone.index}), not valid Unicode text`;
  return undefined;
}

/** A 400 naming `field` when `value` is not valid text. */
export function checkText(field: string, value: string): void {
  const problem = textProblem(value);
  if (problem) throw new HttpError(400, `${field}: ${problem}`);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Whether a raw query component's percent-escapes spell invalid UTF-8 (`%FF`), which
 * URLSearchParams would silently turn into U+FFFD. A `%` that starts no escape is a literal,
 * as in form decoding, so `100%` stays valid.
 */
function invalidUtf8(component: string): boolean {
  if (!component.includes("%")) return false;
  const bytes: number[] = [];
  for (let i = 0; i < component.length; i++) {
    const hex = component.slice(i + 1, i + 3);
    if (component[i] === "%" && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(component.charCodeAt(i) & 0xff);
  }
  try {
    strictUtf8.decode(Uint8Array.from(bytes));
    return false;
  } catch {
    return true;
  }
}

/** Every name and value of a URL's query, each problem named by its parameter. */
export function checkQueryText(url: URL): void {
  // The serialised URL's query is ASCII (anything else is percent-encoded by the URL parser).
  for (const pair of url.search.slice(1).split("&")) {
    const [rawName = "", ...rest] = pair.split("=");
    const rawValue = rest.join("=");
    const name = new URLSearchParams(`${rawName}=`).keys().next().value ?? "";
    const nameProblem = invalidUtf8(rawName)
      ? "is not valid UTF-8 (percent-escapes of invalid bytes)"
      : textProblem(name);
    if (nameProblem) throw new HttpError(400, `query: a parameter name ${nameProblem}`);
    if (invalidUtf8(rawValue))
      throw new HttpError(
        400,
        `${name.slice(0, 40)}: not valid UTF-8 (percent-escapes of invalid bytes)`,
      );
  }
  for (const [name, value] of url.searchParams) checkText(name.slice(0, 40), value);
}

/**
 * Every string and key of a parsed JSON value, named by its path (`body.tags.2`), before any
 * schema sees it: one check covers every body field of every route. Iterative, as a body can
 * nest deeper than the stack (a 256 KiB body holds 128k levels of `[`).
 */
export function checkJsonText(value: unknown, path: string): void {
  const stack: [unknown, string][] = [[value, path]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, at] = next;
    if (typeof item === "string") {
      checkText(at, item);
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    const entries = Array.isArray(item) ? [...item.entries()] : Object.entries(item);
    for (const [key] of entries) {
      const keyProblem = typeof key === "string" ? textProblem(key) : undefined;
      if (keyProblem) throw new HttpError(400, `${at}: a key ${keyProblem}`);
    }
    // Pushed last to first, so the first problem in document order is the one reported.
    for (const [key, child] of entries.reverse()) stack.push([child, `${at}.${key}`]);
  }
}
