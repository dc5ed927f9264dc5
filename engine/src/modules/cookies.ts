import { threadId } from "node:worker_threads";
import { Cookie, MemoryCookieStore, CookieJar as ToughJar } from "tough-cookie";
import { currentVu, engineState } from "../state.ts";

/**
 * k6's cookie jars. Every jar lives where requests are made (this thread in async mode, the I/O
 * thread in sync mode), so a jar in a script is a handle: `{ __jarId }`. Each VU has its own jar,
 * emptied at each iteration unless `noCookiesReset`; `new http.CookieJar()` makes one more.
 */
export interface JarHandle {
  readonly __jarId: string;
}

/** What `cookies` of `res.cookies` holds per name (k6's HTTPCookie). */
export interface ResponseCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

interface VuJar {
  jar: ToughJar;
  iter: number;
}

const vuJars = new Map<number, VuJar>();
/** Jars of `new http.CookieJar()`, oldest first; bounded so a jar per iteration cannot leak. */
const ownJars = new Map<string, ToughJar>();
const OWN_JARS_LIMIT = 1_000;
let nextOwn = 0;

/** Jars that were ever given a cookie. */
const filled = new WeakSet<ToughJar>();

const newJar = () => new ToughJar(new MemoryCookieStore(), { looseMode: true });

/** The running VU's jar, a fresh one at each iteration unless `noCookiesReset` (k6). */
function vuJar(): ToughJar {
  const vu = currentVu();
  const id = vu?.vu ?? 0;
  const iter = vu?.iter ?? 0;
  let entry = vuJars.get(id);
  const keep = engineState().http?.noCookiesReset === true;
  if (!entry || (entry.iter !== iter && !keep)) {
    entry = { jar: newJar(), iter };
    vuJars.set(id, entry);
  }
  entry.iter = iter;
  return entry.jar;
}

/** Forget every jar (a new run in this process). */
export function resetJars(): void {
  vuJars.clear();
  ownJars.clear();
}

/** A new jar's id; unique across the threads of a run. */
export function newJarId(): string {
  nextOwn += 1;
  return `own:${threadId}:${nextOwn}`;
}

/** The jar of a handle: the VU's for `vu`, else one made by `new http.CookieJar()`. */
export function jarOf(handle: JarHandle | undefined): ToughJar {
  const id = handle?.__jarId ?? "vu";
  if (id === "vu") return vuJar();
  let jar = ownJars.get(id);
  if (!jar) {
    jar = newJar();
    if (ownJars.size >= OWN_JARS_LIMIT) ownJars.delete(ownJars.keys().next().value as string);
    ownJars.set(id, jar);
  }
  return jar;
}

/** Stores a response's `Set-Cookie` headers; a malformed one is skipped as Go's jar does. */
export function storeCookies(jar: ToughJar, url: string, setCookies: readonly string[]): void {
  if (setCookies.length > 0) filled.add(jar);
  for (const header of setCookies) {
    try {
      jar.setCookieSync(header, url, { ignoreError: true });
    } catch {
      // Go's cookiejar drops what it cannot parse.
    }
  }
}

/**
 * The `Cookie` header for a request: the jar's cookies plus `params.cookies` (k6's
 * SetRequestCookies: a params cookie replaces the jar's only with `replace: true`).
 */
export function cookieHeader(
  jar: ToughJar | undefined,
  url: string,
  extra: Record<string, unknown> | undefined,
): string {
  const pairs: string[] = [];
  const replaced = new Set<string>();
  for (const [name, spec] of Object.entries(extra ?? {})) {
    if (spec === null || spec === undefined) continue;
    const isObject = typeof spec === "object";
    const value = isObject ? String((spec as { value?: unknown }).value ?? "") : String(spec);
    pairs.push(`${name}=${value}`);
    if (isObject && (spec as { replace?: unknown }).replace === true) replaced.add(name);
  }
  // Most load scripts never get a cookie: skip the jar's URL matching while it is empty.
  const cookies = jar && filled.has(jar) ? jar.getCookiesSync(url) : [];
  for (const cookie of cookies) {
    if (!replaced.has(cookie.key)) pairs.push(`${cookie.key}=${cookie.value}`);
  }
  return pairs.join("; ");
}

/** `res.cookies`: the response's own Set-Cookie headers, by name (k6's Response.Cookies). */
export function responseCookies(setCookies: readonly string[]): Record<string, ResponseCookie[]> {
  const out: Record<string, ResponseCookie[]> = {};
  for (const header of setCookies) {
    const cookie = Cookie.parse(header, { loose: true });
    if (!cookie) continue;
    const expires = cookie.expires instanceof Date ? cookie.expires.getTime() : 0;
    const maxAge = typeof cookie.maxAge === "number" ? cookie.maxAge : 0;
    out[cookie.key] ??= [];
    out[cookie.key]?.push({
      name: cookie.key,
      value: cookie.value,
      domain: cookie.domain ?? "",
      path: cookie.path ?? "",
      http_only: cookie.httpOnly,
      secure: cookie.secure,
      max_age: maxAge,
      // Go's zero time in ms, as k6 reports a cookie without Expires.
      expires: expires || -62135596800000,
    });
  }
  return out;
}

type JarOp = "cookiesForURL" | "set" | "clear" | "delete";

/** Runs one CookieJar method on the jar of `handle` (directly, or for a sync-mode VU's thread). */
export function runJarOp(handle: JarHandle, op: JarOp, args: unknown[]): unknown {
  const jar = jarOf(handle);
  const url = String(args[0]);
  if (op === "cookiesForURL") {
    const out: Record<string, string[]> = {};
    for (const cookie of jar.getCookiesSync(url))
      out[cookie.key] = [...(out[cookie.key] ?? []), cookie.value];
    return out;
  }
  if (op === "set") {
    const [, name, value, options] = args as [string, string, string, Record<string, unknown>?];
    const attrs = [`${name}=${value}`];
    if (options?.domain) attrs.push(`Domain=${options.domain}`);
    if (options?.path) attrs.push(`Path=${options.path}`);
    if (options?.expires) attrs.push(`Expires=${new Date(String(options.expires)).toUTCString()}`);
    if (options?.max_age) attrs.push(`Max-Age=${options.max_age}`);
    if (options?.secure) attrs.push("Secure");
    if (options?.http_only) attrs.push("HttpOnly");
    jar.setCookieSync(attrs.join("; "), url);
    filled.add(jar);
    return undefined;
  }
  const store = jar.store as MemoryCookieStore;
  for (const cookie of jar.getCookiesSync(url)) {
    if (op === "delete" && cookie.key !== String(args[1])) continue;
    store.removeCookie(cookie.domain ?? "", cookie.path ?? "/", cookie.key, () => {});
  }
  return undefined;
}

/**
 * k6's `http.CookieJar`: `http.cookieJar()` is the VU's, `new http.CookieJar()` a new one. The
 * methods go through `call`, which the sync-mode module points at the I/O thread.
 */
export function cookieJarClass(call: (handle: JarHandle, op: JarOp, args: unknown[]) => unknown) {
  return class CookieJar implements JarHandle {
    readonly __jarId: string;
    constructor(id?: string) {
      this.__jarId = id ?? newJarId();
    }
    cookiesForURL(url: string): Record<string, string[]> {
      return call(this, "cookiesForURL", [url]) as Record<string, string[]>;
    }
    set(url: string, name: string, value: string, options?: Record<string, unknown>): void {
      call(this, "set", [url, name, value, options]);
    }
    clear(url: string): void {
      call(this, "clear", [url]);
    }
    delete(url: string, name: string): void {
      call(this, "delete", [url, name]);
    }
  };
}
