/**
 * Secrets never reach a report: Authorization/Cookie header values, bearer tokens, URL
 * credentials and token-like query parameters are replaced wherever they appear in text.
 */
export const REDACTED = "[REDACTED]";

const SECRET_PARAM =
  /([?&;](?:access_?token|id_?token|refresh_?token|token|api[_-]?key|apikey|key|secret|client_secret|password|passwd|pwd|auth|authorization|session|sessionid|sid|jwt|sig|signature|code|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s"']*/gi;
const HEADER =
  /((?:^|[\s"'{,])(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)["']?\s*[:=]\s*["']?)[^"'\n\r,}]*/gim;
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@"']+(?::[^/\s@"']*)?@/gi;

export function redactText(text: string): string {
  return text
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(HEADER, `$1${REDACTED}`)
    .replace(BEARER, `$1 ${REDACTED}`);
}

const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|password|secret|token|api[_-]?key)$/i;

/** Deep copy with every string redacted, and values under secret-named keys replaced whole. */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactText(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && typeof inner === "string" ? REDACTED : redactDeep(inner);
    }
    return out as T;
  }
  return value;
}
