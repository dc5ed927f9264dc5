import type * as E from "estree";
import { walk } from "estree-walker";
import MagicString from "magic-string";
import { type Call, type Colouring, collectFacts, colour, type Fn, type Node } from "./analyze.ts";
import { prove, type Unproven } from "./prove.ts";

/** What compiling a bundle gave: its code, and whether it was written in k6's blocking style. */
export type Compiled =
  | { code: string; syncStyle: boolean; awaited: number; unproven?: undefined }
  | { code: string; syncStyle: true; awaited: number; unproven: Unproven };

const NO_COLOURING: Colouring = {
  blocking: new Set(),
  kindOf: () => undefined,
  isSleep: () => false,
};

const LOOPS = new Set([
  "WhileStatement",
  "DoWhileStatement",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
]);

/** `__pgLoop()` at the top of every loop body: a busy loop still meets its hard stop. */
function guardLoop(s: MagicString, loop: Node): void {
  const body = (loop as unknown as { body: Node }).body;
  if (body.type === "BlockStatement") s.appendRight(body.start + 1, "__pgLoop();");
  else {
    s.appendRight(body.start, "{__pgLoop();");
    s.prependLeft(body.end, "}");
  }
}

/** `x.forEach(cb)` → `(await __pgIter(x, "forEach", cb))`: an awaited loop over the items. */
function rewriteIterator(s: MagicString, call: Call): void {
  const callee = call.callee as E.MemberExpression & { object: Node; property: Node };
  const first = call.arguments[0] as Node;
  s.appendRight(call.start, "(await __pgIter(");
  s.overwrite(
    callee.object.end,
    first.start,
    `, ${JSON.stringify((callee.property as E.Identifier).name)}, `,
  );
  s.prependLeft(call.end, ")");
}

/** Applies the colouring: blocking functions become async, blocking calls are awaited. */
function rewrite(source: string, program: Node, colouring: Colouring, runtimeUrl: string) {
  const s = new MagicString(source);
  let awaited = 0;
  /** Changes beyond awaiting `sleep()` in functions that were already async. */
  let blockingStyle = 0;
  // One pre-order walk, so edits at the same offset nest outermost first.
  walk(program as E.Node, {
    enter(raw, parent) {
      const node = raw as Node;
      if (LOOPS.has(node.type)) guardLoop(s, node);
      if (
        (node.type === "FunctionDeclaration" ||
          node.type === "FunctionExpression" ||
          node.type === "ArrowFunctionExpression") &&
        colouring.blocking.has(node as Fn) &&
        !node.async
      ) {
        s.appendRight(node.start, "async ");
        awaited += 1;
        blockingStyle += 1;
      }
      if (node.type !== "CallExpression") return;
      const kind = colouring.kindOf(node as Call);
      if (kind === "iterate") {
        rewriteIterator(s, node as Call);
        awaited += 1;
        blockingStyle += 1;
      } else if (kind === "await" && parent?.type !== "AwaitExpression") {
        s.appendRight(node.start, "(await ");
        s.prependLeft(node.end, ")");
        awaited += 1;
        if (!colouring.isSleep(node as Call)) blockingStyle += 1;
      }
    },
  });
  // On the first line, so the bundle's inline source map keeps its line numbers.
  const hashBang = source.startsWith("#!") ? source.indexOf("\n") + 1 : 0;
  s.appendLeft(hashBang, `import { __pgIter, __pgLoop } from ${JSON.stringify(runtimeUrl)};`);
  return { code: s.toString(), awaited, blockingStyle };
}

/**
 * Compiles a k6 bundle for the async engine. Scripts in k6's blocking style (`const res =
 * http.get(url)`) get every function that can reach a blocking k6 call (k6/http requests,
 * `sleep`, `group` over such a function, array methods over such a callback) made async and
 * every such call awaited, when the AST proves that keeps the script's meaning; otherwise
 * `unproven` says why and the caller falls back to a thread per VU. Loops get a hard-stop guard.
 */
export function compileForAsync(source: string, runtimeUrl: string): Compiled {
  let facts: ReturnType<typeof collectFacts>;
  try {
    facts = collectFacts(source);
  } catch (error) {
    const at = (error as { pos?: number }).pos ?? 0;
    const reason = `the bundle could not be analysed (${(error as Error).message})`;
    return { code: source, syncStyle: true, awaited: 0, unproven: { reason, at } };
  }
  const colouring = colour(facts);
  const unproven = prove(facts, colouring);
  if (unproven) {
    const guarded = rewrite(source, facts.program, NO_COLOURING, runtimeUrl);
    return { code: guarded.code, syncStyle: true, awaited: 0, unproven };
  }
  const { code, awaited, blockingStyle } = rewrite(source, facts.program, colouring, runtimeUrl);
  // An async script whose only un-awaited k6 call is `sleep()` stays an async-style script.
  return { code, syncStyle: blockingStyle > 0, awaited };
}

/** Guards the loops of a bundle that runs on VU threads (sync mode), without other changes. */
export function guardLoops(source: string, runtimeUrl: string): string {
  const facts = collectFacts(source);
  return rewrite(source, facts.program, NO_COLOURING, runtimeUrl).code;
}
