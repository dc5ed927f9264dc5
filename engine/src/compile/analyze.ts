import { parse } from "acorn";
import type * as E from "estree";
import { walk } from "estree-walker";

/** Source positions acorn adds to every node. */
type Pos = { start: number; end: number };
export type Node = E.Node & Pos;
export type Fn = (E.FunctionDeclaration | E.FunctionExpression | E.ArrowFunctionExpression) & Pos;
export type Call = E.SimpleCallExpression & Pos;

/** k6/http functions that block a k6 VU until the response is in. */
const HTTP_BLOCKING = new Set(["get", "head", "post", "put", "patch", "del", "options"]);
HTTP_BLOCKING.add("request").add("batch");
/** Array methods whose blocking callbacks are rewritten to awaited loops (runtime.ts `__pgIter`). */
export const ITERATORS = new Set(["forEach", "map", "filter", "some", "every", "find"]);
ITERATORS.add("findIndex").add("flatMap");

const isFn = (node: E.Node | null | undefined): node is Fn =>
  node?.type === "FunctionDeclaration" ||
  node?.type === "FunctionExpression" ||
  node?.type === "ArrowFunctionExpression";

/** One identifier occurrence that reads a binding, with where it sits. */
interface Ref {
  node: E.Identifier & Pos;
  parent: Node;
  key: string;
}

/** What the first walk over the bundle finds. */
export interface Facts {
  program: E.Program & Pos;
  /** Local names bound to the k6/http module object (default or namespace import). */
  httpObjects: Set<string>;
  /** Local names bound to blocking k6/http functions (`import { get } from "k6/http"`). */
  httpFunctions: Set<string>;
  k6Objects: Set<string>;
  sleeps: Set<string>;
  groups: Set<string>;
  /** How many times each name is declared anywhere (params, variables, functions, imports). */
  declared: Map<string, number>;
  /** Names bound once to a function (declaration, or `const f = () => …`). */
  functions: Map<string, Fn>;
  reassigned: Set<string>;
  calls: { call: Call; owner: Fn | undefined; parent: Node }[];
  refs: Ref[];
  /** Each function's parent node and the key it hangs on. */
  fnParents: Map<Fn, { parent: Node; key: string }>;
  directEval: Node | undefined;
}

function declare(facts: Facts, pattern: E.Pattern | null | undefined): void {
  if (!pattern) return;
  switch (pattern.type) {
    case "Identifier":
      facts.declared.set(pattern.name, (facts.declared.get(pattern.name) ?? 0) + 1);
      return;
    case "ObjectPattern":
      for (const p of pattern.properties)
        declare(facts, p.type === "RestElement" ? p.argument : p.value);
      return;
    case "ArrayPattern":
      for (const p of pattern.elements) declare(facts, p);
      return;
    case "RestElement":
      declare(facts, pattern.argument);
      return;
    case "AssignmentPattern":
      declare(facts, pattern.left);
      return;
    default:
      return;
  }
}

/** Whether an identifier at `parent[key]` reads a binding (not a property name, label, …). */
function isReference(parent: Node, key: string): boolean {
  switch (parent.type) {
    case "MemberExpression":
      return key !== "property" || parent.computed;
    case "Property":
    case "PropertyDefinition":
    case "MethodDefinition":
      return key !== "key" || parent.computed;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
    case "MetaProperty":
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
      return false;
    case "ExportSpecifier":
      return key === "local";
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "ClassDeclaration":
    case "ClassExpression":
    case "VariableDeclarator":
    case "CatchClause":
    case "AssignmentPattern":
    case "ArrayPattern":
    case "ObjectPattern":
    case "RestElement":
      // Declarations are counted separately; a default value (`a = b`) is a read.
      return parent.type === "AssignmentPattern" && key === "right";
    default:
      return true;
  }
}

function readImports(facts: Facts, node: E.ImportDeclaration): void {
  const source = String(node.source.value);
  const http = /\/modules\/http\.m?[tj]s$/.test(source);
  const k6 = /\/modules\/k6\.m?[tj]s$/.test(source);
  for (const spec of node.specifiers) {
    declare(facts, spec.local);
    const local = spec.local.name;
    if (spec.type !== "ImportSpecifier") {
      if (http) facts.httpObjects.add(local);
      if (k6) facts.k6Objects.add(local);
      continue;
    }
    const imported = spec.imported.type === "Identifier" ? spec.imported.name : "";
    if (http && HTTP_BLOCKING.has(imported)) facts.httpFunctions.add(local);
    if (k6 && imported === "sleep") facts.sleeps.add(local);
    if (k6 && imported === "group") facts.groups.add(local);
  }
}

/** One walk over the bundle: imports, declarations, function bindings, calls and references. */
export function collectFacts(source: string): Facts {
  const program = parse(source, {
    ecmaVersion: "latest",
    sourceType: "module",
    allowHashBang: true,
  }) as unknown as E.Program & Pos;
  const facts: Facts = {
    program,
    httpObjects: new Set(),
    httpFunctions: new Set(),
    k6Objects: new Set(),
    sleeps: new Set(),
    groups: new Set(),
    declared: new Map(),
    functions: new Map(),
    reassigned: new Set(),
    calls: [],
    refs: [],
    fnParents: new Map(),
    directEval: undefined,
  };
  const owners: Fn[] = [];
  walk(program, {
    enter(raw, rawParent, rawKey) {
      const node = raw as Node;
      const parent = rawParent as Node | null;
      const key = String(rawKey ?? "");
      if (node.type === "ImportDeclaration") readImports(facts, node);
      if (isFn(node)) {
        if (parent) facts.fnParents.set(node, { parent, key });
        if (node.type !== "ArrowFunctionExpression" && node.id) declare(facts, node.id);
        if (node.type === "FunctionDeclaration" && node.id) facts.functions.set(node.id.name, node);
        for (const param of node.params) declare(facts, param);
        owners.push(node);
      }
      if (node.type === "VariableDeclarator") {
        declare(facts, node.id);
        if (node.id.type === "Identifier" && isFn(node.init))
          facts.functions.set(node.id.name, node.init);
      }
      if (node.type === "ClassDeclaration" && node.id) declare(facts, node.id);
      if (node.type === "CatchClause") declare(facts, node.param);
      if (node.type === "AssignmentExpression" && node.left.type === "Identifier")
        facts.reassigned.add(node.left.name);
      if (node.type === "UpdateExpression" && node.argument.type === "Identifier")
        facts.reassigned.add(node.argument.name);
      if (node.type === "CallExpression" && parent) {
        facts.calls.push({ call: node, owner: owners.at(-1), parent });
        if (node.callee.type === "Identifier" && node.callee.name === "eval")
          facts.directEval = node;
      }
      if (node.type === "Identifier" && parent && isReference(parent, key))
        facts.refs.push({ node: node as E.Identifier & Pos, parent, key });
    },
    leave(node) {
      if (isFn(node as Node)) owners.pop();
    },
  });
  return facts;
}

/** `group(name, fn)` through a named import or the k6 module object. */
export function isGroupCall(facts: Facts, call: Call): boolean {
  const { callee } = call;
  if (callee.type === "Identifier") return facts.groups.has(callee.name);
  return (
    callee.type === "MemberExpression" &&
    !callee.computed &&
    callee.object.type === "Identifier" &&
    facts.k6Objects.has(callee.object.name) &&
    callee.property.type === "Identifier" &&
    callee.property.name === "group"
  );
}

/** The colouring: which functions reach a blocking k6 call, and which calls block. */
export interface Colouring {
  blocking: Set<Fn>;
  /** How a call blocks: a k6 call or a blocking function, or an array method over a blocking callback. */
  kindOf(call: Call): "await" | "iterate" | undefined;
  /** k6's `sleep`: awaiting it alone in an async function does not make a script blocking-style. */
  isSleep(call: Call): boolean;
}

/** Colours functions to a fixed point: a function blocks when a call in its own body blocks. */
export function colour(facts: Facts): Colouring {
  const blocking = new Set<Fn>();
  // A function the script already declared async keeps its Promise contract for its callers.
  const blocks = (fn: Fn | undefined) => fn !== undefined && blocking.has(fn) && !fn.async;
  const callback = (arg: E.Node | undefined): Fn | undefined =>
    isFn(arg) ? arg : arg?.type === "Identifier" ? facts.functions.get(arg.name) : undefined;
  const kindOf = (call: Call): "await" | "iterate" | undefined => {
    const { callee } = call;
    if (callee.type === "Identifier") {
      const name = callee.name;
      if (facts.httpFunctions.has(name) || facts.sleeps.has(name)) return "await";
      if (facts.groups.has(name)) return blocks(callback(call.arguments[1])) ? "await" : undefined;
      return blocks(facts.functions.get(name)) ? "await" : undefined;
    }
    if (callee.type !== "MemberExpression" || callee.computed) return undefined;
    if (callee.property.type !== "Identifier") return undefined;
    const method = callee.property.name;
    const object = callee.object.type === "Identifier" ? callee.object.name : undefined;
    if (object !== undefined && facts.httpObjects.has(object))
      return HTTP_BLOCKING.has(method) ? "await" : undefined;
    if (object !== undefined && facts.k6Objects.has(object)) {
      if (method === "sleep") return "await";
      if (method === "group") return blocks(callback(call.arguments[1])) ? "await" : undefined;
    }
    if (ITERATORS.has(method) && blocks(callback(call.arguments[0]))) return "iterate";
    return undefined;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const { call, owner } of facts.calls) {
      if (owner && !blocking.has(owner) && kindOf(call) !== undefined) {
        blocking.add(owner);
        changed = true;
      }
    }
  }
  const isSleep = ({ callee }: Call) =>
    callee.type === "Identifier"
      ? facts.sleeps.has(callee.name)
      : callee.type === "MemberExpression" &&
        callee.object.type === "Identifier" &&
        facts.k6Objects.has(callee.object.name) &&
        callee.property.type === "Identifier" &&
        callee.property.name === "sleep";
  return { blocking, kindOf, isSleep };
}
