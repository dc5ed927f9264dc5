import { createRequire } from "node:module";
import type { Cheerio } from "cheerio";
import type { AnyNode, Element as DomElement } from "domhandler";

/**
 * cheerio is loaded on first use: it costs ~0.5 s of CPU to load, and every sync-mode VU thread
 * loads k6/http, which most scripts use without k6/html.
 */
const requireLazy = createRequire(import.meta.url);
let cheerio: typeof import("cheerio") | undefined;
const loadCheerio = () => {
  cheerio ??= requireLazy("cheerio") as typeof import("cheerio");
  return cheerio;
};

/**
 * k6/html over cheerio: `parseHTML(src)` gives k6's Selection (goquery's API as k6 exposes it),
 * `each()` hands out k6's Element, whose properties are methods as in k6 (`el.textContent()`).
 */
type Sel = Cheerio<AnyNode>;
type Callback = (index: number, item: unknown) => unknown;

const SUBMITTABLE = "input,select,textarea,keygen";

function valueOrHtml(option: Sel): string {
  const value = option.attr("value");
  return value ?? option.html() ?? "";
}

/** One node of a Selection, with k6's Element methods. */
export class Element {
  constructor(
    private readonly node: AnyNode,
    private readonly sel: Sel,
  ) {}
  nodeName(): string {
    return (this.node as DomElement).name ?? `#${this.node.type}`;
  }
  nodeType(): number {
    return this.node.nodeType;
  }
  getAttribute(name: string): string | undefined {
    return this.sel.attr(name);
  }
  hasAttribute(name: string): boolean {
    return this.sel.attr(name) !== undefined;
  }
  hasAttributes(): boolean {
    return Object.keys((this.node as DomElement).attribs ?? {}).length > 0;
  }
  attributes(): Record<string, { name: string; value: string }> {
    const attribs = (this.node as DomElement).attribs ?? {};
    return Object.fromEntries(
      Object.entries(attribs).map(([name, value]) => [name, { name, value }]),
    );
  }
  textContent(): string {
    return this.sel.text();
  }
  innerHTML(): string {
    return this.sel.html() ?? "";
  }
  id(): string {
    return this.sel.attr("id") ?? "";
  }
  className(): string {
    return this.sel.attr("class") ?? "";
  }
  classList(): string[] {
    return (this.sel.attr("class") ?? "").split(/\s+/).filter(Boolean);
  }
  children(): Element[] {
    return toElements(this.sel.children());
  }
  childElementCount(): number {
    return this.sel.children().length;
  }
  parentElement(): Element | undefined {
    return toElements(this.sel.parent())[0];
  }
  querySelector(selector: string): Element | undefined {
    return toElements(this.sel.find(selector).first())[0];
  }
  querySelectorAll(selector: string): Element[] {
    return toElements(this.sel.find(selector));
  }
  matches(selector: string): boolean {
    return this.sel.is(selector);
  }
  toString(): string {
    return `[object html${this.nodeName()}]`;
  }
}

function toElements(sel: Sel): Element[] {
  return sel.toArray().map((node, i) => new Element(node, sel.eq(i)));
}

/** k6's Selection: goquery's methods under k6's names. */
export class Selection {
  constructor(
    readonly sel: Sel,
    readonly url = "",
  ) {}
  private wrap(sel: Sel): Selection {
    return new Selection(sel, this.url);
  }
  private static arg(value: unknown): string | Sel {
    return value instanceof Selection ? value.sel : String(value);
  }
  find(selector: string): Selection {
    return this.wrap(this.sel.find(selector));
  }
  add(arg: unknown): Selection {
    return this.wrap(this.sel.add(Selection.arg(arg)));
  }
  closest(selector: string): Selection {
    return this.wrap(this.sel.closest(selector));
  }
  has(selector: string): Selection {
    return this.wrap(this.sel.has(selector));
  }
  not(arg: unknown): Selection {
    return this.wrap(this.sel.not(Selection.arg(arg)));
  }
  is(arg: unknown): boolean {
    return this.sel.is(Selection.arg(arg));
  }
  filter(arg: unknown): Selection {
    if (typeof arg === "function")
      return this.wrap(
        this.sel.filter((i, node) => Boolean(arg(i, this.wrap(this.sel.eq(i))) ?? node)),
      );
    return this.wrap(this.sel.filter(Selection.arg(arg)));
  }
  next(selector?: string): Selection {
    return this.wrap(this.sel.next(selector));
  }
  nextAll(selector?: string): Selection {
    return this.wrap(this.sel.nextAll(selector));
  }
  nextUntil(selector?: string): Selection {
    return this.wrap(this.sel.nextUntil(selector));
  }
  prev(selector?: string): Selection {
    return this.wrap(this.sel.prev(selector));
  }
  prevAll(selector?: string): Selection {
    return this.wrap(this.sel.prevAll(selector));
  }
  prevUntil(selector?: string): Selection {
    return this.wrap(this.sel.prevUntil(selector));
  }
  parent(selector?: string): Selection {
    return this.wrap(this.sel.parent(selector));
  }
  parents(selector?: string): Selection {
    return this.wrap(this.sel.parents(selector));
  }
  parentsUntil(selector?: string): Selection {
    return this.wrap(this.sel.parentsUntil(selector));
  }
  siblings(selector?: string): Selection {
    return this.wrap(this.sel.siblings(selector));
  }
  children(selector?: string): Selection {
    return this.wrap(this.sel.children(selector));
  }
  contents(): Selection {
    return this.wrap(this.sel.contents());
  }
  end(): Selection {
    return this.wrap(this.sel.end());
  }
  size(): number {
    return this.sel.length;
  }
  eq(index: number): Selection {
    return this.wrap(this.sel.eq(index));
  }
  first(): Selection {
    return this.wrap(this.sel.first());
  }
  last(): Selection {
    return this.wrap(this.sel.last());
  }
  slice(start: number, end?: number): Selection {
    return this.wrap(this.sel.slice(start, end));
  }
  text(): string {
    return this.sel.text();
  }
  html(): string | undefined {
    return this.sel.length === 0 ? undefined : (this.sel.html() ?? "");
  }
  attr(name: string, fallback?: unknown): unknown {
    const value = this.sel.attr(name);
    return value === undefined ? fallback : value;
  }
  data(key?: string): unknown {
    const node = this.sel.get(0) as DomElement | undefined;
    if (!node || Object.keys(node.attribs ?? {}).length === 0) return undefined;
    const data = this.sel.data() as Record<string, unknown>;
    return key === undefined ? data : data[key];
  }
  val(): unknown {
    const name = (this.sel.get(0) as DomElement | undefined)?.name;
    if (name === "input") {
      const type = this.sel.attr("type");
      return this.sel.attr("value") ?? (type === "radio" || type === "checkbox" ? "on" : "");
    }
    if (name === "button") return this.sel.attr("value") ?? "";
    if (name === "textarea") return this.sel.html() ?? "";
    if (name === "option") return valueOrHtml(this.sel);
    if (name === "select") {
      const selected = this.sel.first().find("option[selected]");
      if (this.sel.attr("multiple") !== undefined)
        return selected.toArray().map((_, i) => valueOrHtml(selected.eq(i)));
      return selected.length === 0 ? "" : valueOrHtml(selected.first());
    }
    return undefined;
  }
  each(fn: Callback): Selection {
    if (typeof fn !== "function") throw new Error("the argument to each() must be a function");
    toElements(this.sel).forEach((element, i) => {
      fn(i, element);
    });
    return this;
  }
  map(fn: Callback): unknown[] {
    if (typeof fn !== "function") throw new Error("the argument to map() must be a function");
    return this.sel.toArray().map((_, i) => fn(i, this.wrap(this.sel.eq(i))));
  }
  get(index?: number): Element | Element[] | undefined {
    const all = toElements(this.sel);
    if (index === undefined) return all;
    return all[index < 0 ? all.length + index : index];
  }
  toArray(): Selection[] {
    return this.sel.toArray().map((_, i) => this.wrap(this.sel.eq(i)));
  }
  index(arg?: unknown): number {
    return arg === undefined ? this.sel.index() : this.sel.index(Selection.arg(arg));
  }
  /** k6's rules (serialize.go): named, enabled, not a button or file, checked="checked" boxes. */
  serializeArray(): { name: string; value: unknown }[] {
    const fields = this.sel.is("form") ? this.sel.find(SUBMITTABLE) : this.sel.filter(SUBMITTABLE);
    const out: { name: string; value: unknown }[] = [];
    fields.each((i) => {
      const field = fields.eq(i);
      // The attributes as written: cheerio reports a bare `checked` as "checked", goquery as "".
      const attribs = (field.get(0) as DomElement).attribs ?? {};
      const type = attribs.type ?? "";
      const name = attribs.name ?? "";
      if (name === "" || attribs.disabled === "disabled") return;
      if (["submit", "button", "reset", "image", "file"].includes(type)) return;
      if ((type === "checkbox" || type === "radio") && attribs.checked !== "checked") return;
      out.push({ name, value: this.wrap(field).val() });
    });
    return out;
  }
  serializeObject(): Record<string, unknown> {
    return Object.fromEntries(this.serializeArray().map((f) => [f.name, f.value]));
  }
  serialize(): string {
    const params = new URLSearchParams();
    for (const { name, value } of this.serializeArray()) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
    }
    params.sort();
    return params.toString();
  }
}

/** k6/html's `parseHTML(src)`: the document as a Selection. */
export function parseHTML(src: string, url = ""): Selection {
  const $ = loadCheerio().load(src);
  return new Selection($.root() as Sel, url);
}

export default { parseHTML };
