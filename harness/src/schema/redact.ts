/**
 * Secrets never reach a record, a report, a chart's file name or a terminal: the engine's one
 * redactor (`@perfgate/engine/redact`, pure), so the harness and the engine redact alike and
 * the config's `redact` names extend both.
 */
import { defaultRedactor } from "@perfgate/engine/redact";

export { REDACTED, redactorFor } from "@perfgate/engine/redact";

/** Text with the built-in sensitive names redacted (errors, logs: no config at hand). */
export function redactText(text: string): string {
  return defaultRedactor.text(text);
}

/** Deep copy with every string and key redacted, values under sensitive keys replaced whole. */
export function redactDeep<T>(value: T): T {
  return defaultRedactor.deep(value);
}
