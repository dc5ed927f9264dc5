import { createRequire } from "node:module";
import { threadId } from "node:worker_threads";
import type { MemoryCookieStore, CookieJar as ToughJar } from "tough-cookie";
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

/** A jar made on first need: most load scripts never get a cookie, so never pay for one. */
export class JarSlot {
  jar: ToughJar | undefined;
  ensure(): ToughJar {
    this.jar ??= newJar();
    return this.jar;
  }
}

interface VuJar {
  slot: JarSlot;
  iter: number;
}

const vuJars = new Map<number, VuJar>();
/** Jars of `new http.CookieJar()`, oldest first; bounded so a jar per iteration cannot leak. */
const ownJars = new Map<string, JarSlot>();
const OWN_JARS_LIMIT = 1_000;
let nextOwn = 0;

/**
 * tough-cookie is loaded on first use (~0.2 s of CPU): sync-mode VU threads load this module
 * for `http.cookieJar()` handles but never hold a jar.
 */
const requireLazy = createRequire(import.meta.url);
let tough: typeof import("tough-cookie") | undefined;
const loadTough = () => {
  tough ??= requireLazy("tough-cookie") as typeof import("tough-cookie");
  return tough;
};

const newJar = (): ToughJar => {
  const { CookieJar, MemoryCookieStore: Store } = loadTough();
  return new CookieJar(new Store(), { looseMode: true });
};

/** The running VU's jar, a fresh one at each iteration unless `noCookiesReset` (k6). */
function vuJar(): JarSlot {
  const vu = currentVu();
  const id = vu?.vu ?? 0;
  const iter = vu?.iter ?? 0;
  let entry = vuJars.get(id);
  if (!entry || (entry.iter !== iter && engineState().http?.noCookiesReset !== true)) {
    entry = { slot: new JarSlot(), iter };
    vuJars.set(id, entry);
  }
  entry.iter = iter;
  return entry.slot;
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
export function jarOf(handle: JarHandle | undefined): JarSlot {
  const id = handle?.__jarId ?? "vu";
  if (id === "vu") return vuJar();
  let slot = ownJars.get(id);
  if (!slot) {
    slot = new JarSlot();
    if (ownJars.size >= OWN_JARS_LIMIT) ownJars.delete(ownJars.keys().next().value as string);
    ownJars.set(id, slot);
  }
  return slot;
}

/** Stores a response's `Set-Cookie` headers; a malformed one is skipped as Go's jar does. */
export function storeCookies(slot: JarSlot, url: string, setCookies: readonly string[]): void {
  if (setCookies.length === 0) return;
  const jar = slot.ensure();
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
  slot: JarSlot,
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
  const cookies = slot.jar ? slot.jar.getCookiesSync(url) : [];
  for (const cookie of cookies) {
    if (!replaced.has(cookie.key)) pairs.push(`${cookie.key}=${cookie.value}`);
  }
  return pairs.join("; ");
}

/** `res.cookies`: the response's own Set-Cookie headers, by name (k6's Response.Cookies). */
export function responseCookies(setCookies: readonly string[]): Record<string, ResponseCookie[]> {
  const out: Record<string, ResponseCookie[]> = {};
  for (const header of setCookies) {
    const cookie = loadTough().Cookie.parse(header, { loose: true });
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
  const jar = jarOf(handle).ensure();
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
