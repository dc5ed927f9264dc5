import type { ResponseCookie } from "./cookies.ts";
import { parseHTML, type Selection } from "./html.ts";

export interface Timings {
  duration: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
}

/** A Response's fields as plain data: what the I/O thread hands a sync-mode VU. */
export interface ResponseData {
  url: string;
  status: number;
  status_text: string;
  proto: string;
  headers: Record<string, string>;
  cookies: Record<string, ResponseCookie[]>;
  body: string | ArrayBuffer | null;
  timings: Timings;
  remote_ip: string;
  remote_port: number;
  tls_version: string;
  tls_cipher_suite: string;
  ocsp: {
    status: string;
    produced_at: number;
    this_update: number;
    next_update: number;
    revocation_reason: string;
    revoked_at: number;
  };
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
    cookies: Record<string, { name: string; value: string; replace: boolean }[]>;
  };
  error: string;
  error_code: number;
}

/** How a Response makes its follow-up requests (submitForm, clickLink): async or blocking. */
export type RequestFn = (method: string, url: string, body?: unknown, params?: unknown) => unknown;

/** Minimal gjson-style selector: `a.b.0.c`, and `#` for an array's length. */
function select(value: unknown, selector: string): unknown {
  let node = value;
  for (const part of selector.split(".")) {
    if (node === null || node === undefined) return undefined;
    if (part === "#" && Array.isArray(node)) return node.length;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** k6's Response: its fields, json(), html(), submitForm() and clickLink(). */
export class Response implements ResponseData {
  declare url: string;
  declare status: number;
  declare status_text: string;
  declare proto: string;
  declare headers: Record<string, string>;
  declare cookies: Record<string, ResponseCookie[]>;
  declare body: string | ArrayBuffer | null;
  declare timings: Timings;
  declare remote_ip: string;
  declare remote_port: number;
  declare tls_version: string;
  declare tls_cipher_suite: string;
  declare ocsp: ResponseData["ocsp"];
  declare request: ResponseData["request"];
  declare error: string;
  declare error_code: number;

  /** How follow-up requests are made; private, so JSON.stringify(res) shows k6's fields only. */
  readonly #send: RequestFn;

  constructor(data: ResponseData, send: RequestFn) {
    Object.assign(this, data);
    this.#send = send;
  }

  json(selector?: string): unknown {
    if (typeof this.body !== "string")
      throw new Error(
        "json(): the response body is not text (responseType or discardResponseBodies)",
      );
    const parsed = JSON.parse(this.body) as unknown;
    return selector ? select(parsed, selector) : parsed;
  }

  html(selector?: string): Selection {
    if (typeof this.body !== "string")
      throw new Error(
        "the body is null so we can't transform it to HTML - this likely was because of a request error getting the response",
      );
    const doc = parseHTML(this.body, this.url);
    return selector ? doc.find(selector) : doc;
  }

  /** k6's Response.SubmitForm: the form's fields, its submit button, then `fields`. */
  submitForm(args: Record<string, unknown> = {}): unknown {
    const formSelector = String(args.formSelector ?? "form");
    const form = this.html(formSelector);
    if (form.size() === 0)
      throw new Error(`no form found for selector '${formSelector}' in response '${this.url}'`);
    const method = String(form.attr("method") ?? "GET").toUpperCase();
    const action = form.attr("action");
    const target = new URL(action === undefined ? this.url : String(action), this.url);
    const values: Record<string, unknown> = form.serializeObject();
    const submit = form.find(String(args.submitSelector ?? '[type="submit"]'));
    const submitName = submit.attr("name");
    const submitValue = submit.val();
    if (submitName !== undefined && submitValue !== undefined)
      values[String(submitName)] = submitValue;
    Object.assign(values, (args.fields as Record<string, unknown> | undefined) ?? {});
    const params = args.params ?? null;
    if (method === "GET") {
      target.search = new URLSearchParams(
        Object.entries(values).map(([k, v]) => [k, String(v)]),
      ).toString();
      return this.#send(method, target.href, null, params);
    }
    return this.#send(method, target.href, values, params);
  }

  /** k6's Response.ClickLink: follows the first link matching `selector` (default `a[href]`). */
  clickLink(args: Record<string, unknown> = {}): unknown {
    const selector = String(args.selector ?? "a[href]");
    const link = this.html(selector);
    if (link.size() === 0)
      throw new Error(`no element found for selector '${selector}' in response '${this.url}'`);
    const href = link.attr("href");
    if (href === undefined)
      throw new Error(
        `no valid href attribute value found on element '${selector}' in response '${this.url}'`,
      );
    return this.#send("GET", new URL(String(href), this.url).href, null, args.params ?? null);
  }
}
