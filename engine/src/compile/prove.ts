import type * as E from "estree";
import { type Colouring, type Facts, type Fn, isGroupCall, type Node } from "./analyze.ts";

/** Why a sync-style script cannot be compiled to async, and where (offset in the bundle). */
export interface Unproven {
  reason: string;
  at: number;
}

/**
 * Whether `arg` sits where the rewrite can await it: the callback of a blocking `group()` or of
 * an array method the rewrite turns into an awaited loop.
 */
function isAwaitedCallback(
  facts: Facts,
  parent: Node,
  key: string,
  arg: E.Node,
  colouring: Colouring,
): boolean {
  if (parent.type !== "CallExpression" || key !== "arguments") return false;
  const kind = colouring.kindOf(parent);
  if (kind === "iterate") return parent.arguments[0] === arg;
  return kind === "await" && isGroupCall(facts, parent) && parent.arguments[1] === arg;
}

/** A blocking function must sit where the rewrite can make it async and await every call. */
function checkFunction(fn: Fn, facts: Facts, colouring: Colouring): Unproven | undefined {
  if (fn.generator)
    return { reason: "a generator function reaches a blocking k6 call", at: fn.start };
  const place = facts.fnParents.get(fn);
  if (!place) return undefined;
  const { parent, key } = place;
  if (parent.type === "Property" || parent.type === "MethodDefinition")
    return { reason: "an object or class method reaches a blocking k6 call", at: fn.start };
  if (fn.type === "FunctionDeclaration" || parent.type === "ExportDefaultDeclaration")
    return undefined;
  if (parent.type === "VariableDeclarator" && key === "init" && parent.id.type === "Identifier")
    return undefined;
  if (isAwaitedCallback(facts, parent, key, fn, colouring)) return undefined;
  return {
    reason: "a function that reaches a blocking k6 call is passed or stored as a value",
    at: fn.start,
  };
}

/** Every read of a blocking function's name must be a call, an awaited callback or an export. */
function checkFunctionRefs(facts: Facts, colouring: Colouring): Unproven | undefined {
  for (const { node, parent, key } of facts.refs) {
    const fn = facts.functions.get(node.name);
    if (!fn || !colouring.blocking.has(fn) || fn.async) continue;
    if ((facts.declared.get(node.name) ?? 0) > 1 || facts.reassigned.has(node.name))
      return { reason: `"${node.name}" is declared or assigned more than once`, at: node.start };
    if (parent.type === "CallExpression" && key === "callee") continue;
    if (parent.type === "ExportSpecifier") continue;
    if (isAwaitedCallback(facts, parent, key, node, colouring)) continue;
    return {
      reason: `"${node.name}" reaches a blocking k6 call and is used as a value`,
      at: node.start,
    };
  }
  return undefined;
}

/** k6's blocking functions may only be called, never passed around or renamed. */
function checkPrimitiveRefs(facts: Facts): Unproven | undefined {
  const objects = new Set([...facts.httpObjects, ...facts.k6Objects]);
  const functions = new Set([...facts.httpFunctions, ...facts.sleeps, ...facts.groups]);
  for (const { node, parent, key } of facts.refs) {
    const name = node.name;
    if (!objects.has(name) && !functions.has(name)) continue;
    if ((facts.declared.get(name) ?? 0) > 1 || facts.reassigned.has(name))
      return { reason: `"${name}" is declared or assigned more than once`, at: node.start };
    if (functions.has(name)) {
      if (parent.type === "CallExpression" && key === "callee") continue;
      return { reason: `k6's "${name}" is used as a value, not called`, at: node.start };
    }
    // `http.get(…)` or `http.url`…; never `http` itself as a value, nor `http.get` uncalled.
    if (parent.type !== "MemberExpression" || key !== "object" || parent.computed)
      return { reason: `the k6 module "${name}" is used as a value`, at: node.start };
    const called = facts.calls.some((c) => c.call.callee === parent);
    if (!called && parent.property.type === "Identifier" && isBlockingMember(parent.property.name))
      return { reason: `"${name}.${parent.property.name}" is used as a value`, at: node.start };
  }
  return undefined;
}

const isBlockingMember = (name: string) =>
  [
    "get",
    "head",
    "post",
    "put",
    "patch",
    "del",
    "options",
    "request",
    "batch",
    "sleep",
    "group",
  ].includes(name);

/** A blocking call must be in a function body (not a parameter default) and not optional. */
function checkCalls(facts: Facts, colouring: Colouring): Unproven | undefined {
  for (const { call, owner } of facts.calls) {
    const kind = colouring.kindOf(call);
    if (kind === undefined) continue;
    if (owner?.params.some((p) => call.start >= (p as Node).start && call.end <= (p as Node).end))
      return { reason: "a blocking k6 call in a parameter's default value", at: call.start };
    if (kind === "iterate" && (call.optional || (call.callee as E.MemberExpression).optional))
      return { reason: "an optional call (`?.`) over a blocking callback", at: call.start };
  }
  return undefined;
}

/**
 * k6/html's `res.submitForm()` and `selection.clickLink()` send a request from an object the
 * colouring cannot follow back to k6/http, so their callers would not be awaited.
 */
const HIDDEN_REQUESTS = new Set(["submitForm", "clickLink"]);

function checkHiddenRequests(facts: Facts): Unproven | undefined {
  for (const { call, parent } of facts.calls) {
    const { callee } = call;
    if (
      parent.type !== "AwaitExpression" &&
      callee.type === "MemberExpression" &&
      !callee.computed &&
      callee.property.type === "Identifier" &&
      HIDDEN_REQUESTS.has(callee.property.name)
    ) {
      return {
        reason: `${callee.property.name}() sends a request the compile step cannot follow`,
        at: call.start,
      };
    }
  }
  return undefined;
}

/**
 * Proves that making every blocking function async and awaiting every blocking call keeps the
 * script's meaning: no blocking function or k6 call escapes as a value, and every name resolves
 * to one binding. Returns why not, or undefined when proven.
 */
export function prove(facts: Facts, colouring: Colouring): Unproven | undefined {
  if (facts.directEval) return { reason: "direct eval()", at: facts.directEval.start };
  for (const fn of colouring.blocking) {
    if (fn.async) continue;
    const problem = checkFunction(fn, facts, colouring);
    if (problem) return problem;
  }
  return (
    checkPrimitiveRefs(facts) ??
    checkFunctionRefs(facts, colouring) ??
    checkCalls(facts, colouring) ??
    checkHiddenRequests(facts)
  );
}
