/**
 * The part of GitHub's expression language the workflows here use: string literals, context
 * lookups, `==`, `!=`, `!`, `&&`, `||` (which return operands, as GitHub's do), parentheses,
 * and `cancelled()` / `always()` / `success()` / `failure()`. Values are strings; "" and
 * "false" are falsy. An expression given verbatim in `values` (e.g. a `contains(...)` call) is
 * taken from there; an unknown context is an error, so a test never runs a step on a guess.
 */
export interface ExpressionState {
  values: Record<string, string>;
  failed: boolean;
}

type Token = { kind: "str" | "id" | "op"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:'((?:[^']|'')*)'|(==|!=|&&|\|\||[!()])|([A-Za-z_][\w.*-]*(?:\(\))?))/y;
  let index = 0;
  while (index < source.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(source);
    if (!match) {
      if (source.slice(index).trim() === "") break;
      throw new Error(`cannot read the expression at "${source.slice(index)}"`);
    }
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: "str", text: match[1].replace(/''/g, "'") });
    else if (match[2] !== undefined) tokens.push({ kind: "op", text: match[2] });
    else tokens.push({ kind: "id", text: match[3] as string });
  }
  return tokens;
}

const truthy = (value: string) => value !== "" && value !== "false";

export function evaluate(expression: string, state: ExpressionState): string {
  const verbatim = state.values[expression.trim()];
  if (verbatim !== undefined) return verbatim;
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at]?.text;
  const primary = (): string => {
    const token = tokens[at++];
    if (!token) throw new Error(`unexpected end of "${expression}"`);
    if (token.kind === "str") return token.text;
    if (token.text === "(") {
      const value = or();
      at++;
      return value;
    }
    if (token.text === "!") return truthy(primary()) ? "false" : "true";
    const functions: Record<string, string> = {
      "cancelled()": "false",
      "always()": "true",
      "success()": String(!state.failed),
      "failure()": String(state.failed),
    };
    const value = functions[token.text] ?? state.values[token.text];
    if (value === undefined) throw new Error(`no value given for ${token.text} in "${expression}"`);
    return value;
  };
  const comparison = (): string => {
    const left = primary();
    if (peek() === "==" || peek() === "!=") {
      const op = tokens[at++]?.text;
      const right = primary();
      return String(op === "==" ? left === right : left !== right);
    }
    return left;
  };
  const and = (): string => {
    let left = comparison();
    while (peek() === "&&") {
      at++;
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): string => {
    let left = and();
    while (peek() === "||") {
      at++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected "${peek()}" in "${expression}"`);
  return value;
}

/** A step's `if:`, with or without `${{ }}`; without one a step runs only while none failed. */
export function stepRuns(condition: string | undefined, state: ExpressionState): boolean {
  if (condition === undefined) return !state.failed;
  const bare = condition
    .trim()
    .replace(/^\$\{\{\s*/, "")
    .replace(/\s*\}\}$/, "");
  const guarded = /cancelled\(\)|always\(\)|failure\(\)|success\(\)/.test(bare);
  if (state.failed && !guarded) return false;
  return truthy(evaluate(bare, state));
}
