/**
 * The one redaction of perfgate: secrets never reach a file, a report or a terminal. Query and
 * form parameters and headers whose name is sensitive, URL credentials (`user:password@`) and
 * bearer tokens are replaced wherever they appear in text. Pure (no imports), so the engine
 * uses it for its outputs and the harness imports it (`@perfgate/engine/redact`) for its
 * records and renderers: one list of names, one behaviour.
 */
export const REDACTED = "[REDACTED]";

/**
 * Sensitive names, compared lower-case with `-` read as `_` (so `Access-Token`, `access_token`
 * and `ACCESS-TOKEN` are one name). Users add their own with the config's `redact` list.
 */
export const SENSITIVE_NAMES: readonly string[] = [
  "token",
  "auth_token",
  "private_token",
  "access_token",
  "id_token",
  "refresh_token",
  "api_key",
  "apikey",
  "secret",
  "client_secret",
  "password",
  "passwd",
  "pwd",
  "authorization",
  "proxy_authorization",
  "cookie",
  "set_cookie",
  "session",
  "sessionid",
  "session_id",
  "jwt",
  "credentials",
  "x_api_key",
  "x_auth_token",
  "x_amz_signature",
  "x_amz_credential",
  "x_amz_security_token",
];

/**
 * Short, common words that are secrets only as a URL's query parameters (`?code=` of OAuth,
 * `?sig=` of a signed URL), not in prose or JSON (`exit code: 3`, `"key": "p95"`).
 */
export const URL_ONLY_NAMES: readonly string[] = ["key", "code", "sig", "signature", "sid", "auth"];

/** Endings that make any name sensitive: `csrf_token`, `accessToken`, `db_password`, `x-secret`. */
const SENSITIVE_ENDINGS = ["token", "secret", "password", "passwd", "apikey", "api_key"];

const normal = (name: string) => name.toLowerCase().replaceAll("-", "_");

/** Replaces secrets in text and in JSON-like values. */
export interface Redactor {
  /** Text with every secret replaced by `[REDACTED]`. */
  text(text: string): string;
  /** A deep copy: strings and keys redacted, values under sensitive keys replaced whole. */
  deep<T>(value: T): T;
  /** Whether a parameter or header name is sensitive anywhere (URL-only names are not). */
  isSensitive(name: string): boolean;
}

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@"'?#]+(?::[^/\s@"'?#]*)?@/gi;
/** `name=value` after a boundary: a query or form parameter, a `k=v` log field. */
const PARAM = /(^|[?&;\s"'{,(])([A-Za-z0-9_.[\]-]+)=([^&#\s"',;)}]*)/g;
/** `name: value` as a header line or a JSON field (value up to the end of line or the quote). */
const FIELD =
  /(^|[\s"'{,])([A-Za-z][A-Za-z0-9_-]*)(["']?\s*:\s*["']?)([^"'\n\r,{}[\]][^"'\n\r,}]*)/gm;
const BEARER = /\b(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9._~+/=-]{6,}/g;

/** A redactor of the built-in names plus `extraNames` (the config's `redact` list). */
export function createRedactor(extraNames: readonly string[] = []): Redactor {
  const exact = new Set([...SENSITIVE_NAMES, ...extraNames].map(normal));
  const urlOnly = new Set(URL_ONLY_NAMES);
  const isSensitive = (name: string): boolean => {
    const n = normal(name);
    return exact.has(n) || SENSITIVE_ENDINGS.some((ending) => n.endsWith(ending));
  };
  const isSensitiveParam = (lead: string, name: string): boolean =>
    isSensitive(name) || ("?&;".includes(lead) && lead !== "" && urlOnly.has(normal(name)));
  const text = (input: string): string =>
    input
      .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
      .replace(PARAM, (whole, lead: string, name: string, value: string) =>
        value !== "" && value !== REDACTED && isSensitiveParam(lead, name)
          ? `${lead}${name}=${REDACTED}`
          : whole,
      )
      .replace(FIELD, (whole, lead: string, name: string, sep: string, value: string) =>
        value.trim() !== "" && !value.startsWith(REDACTED) && isSensitive(name)
          ? `${lead}${name}${sep}${REDACTED}`
          : whole,
      )
      .replace(BEARER, `$1 ${REDACTED}`);
  const deep = <T>(value: T): T => {
    if (typeof value === "string") return text(value) as T;
    if (Array.isArray(value)) return value.map(deep) as T;
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        out[text(key)] = isSensitive(key) && typeof inner === "string" ? REDACTED : deep(inner);
      }
      return out as T;
    }
    return value;
  };
  return { text, deep, isSensitive };
}

/** The built-in names only: for code that has no config to extend them. */
export const defaultRedactor: Redactor = createRedactor();

/** Redactors by their extra names, so hot paths reuse one (a run has one list). */
const byNames = new Map<string, Redactor>();

/** The redactor of these extra names, built once per distinct list. */
export function redactorFor(extraNames: readonly string[] = []): Redactor {
  if (extraNames.length === 0) return defaultRedactor;
  const key = [...extraNames].sort().join("\n");
  let redactor = byNames.get(key);
  if (!redactor) {
    redactor = createRedactor(extraNames);
    byNames.set(key, redactor);
  }
  return redactor;
}
