import type { Verdict } from "../schema/index.ts";

/**
 * Workflow-command encoding (`::error title=...::message`) of failing verdicts. The escaping
 * follows the Actions runner: `%`, CR and LF in the message; additionally `:` and `,` in
 * property values, which would otherwise end the property.
 */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** `::error title=...::message` (or `warning`), one line, safe for any message text. */
export function workflowCommand(
  level: "error" | "warning" | "notice",
  title: string,
  message: string,
): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`;
}

/** `suite/metric`, the name a failing metric goes by in annotations and failure text. */
export function metricName(verdict: Verdict): string {
  return `${verdict.suite}/${verdict.metric}`;
}

/** Verdicts that fail the check: error-level verdicts whose status is `fail`. */
export function failingVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  return verdicts.filter((verdict) => verdict.status === "fail" && verdict.level === "error");
}

/**
 * One annotation per failing verdict (errors for error-level, warnings for warn-level), then a
 * closing error that names every metric that fails the check, which is the text GitHub shows
 * on the failed check.
 */
export function annotationLines(verdicts: readonly Verdict[]): string[] {
  const lines = verdicts
    .filter((verdict) => verdict.status === "fail")
    .map((verdict) =>
      workflowCommand(
        verdict.level === "error" ? "error" : "warning",
        `perfgate: ${metricName(verdict)} ${verdict.label ?? verdict.source}`,
        verdict.message,
      ),
    );
  const failing = failingVerdicts(verdicts);
  if (failing.length > 0) {
    const names = [...new Set(failing.map(metricName))].join(", ");
    lines.push(
      workflowCommand("error", "perfgate", `${failing.length} failing metric(s): ${names}`),
    );
  }
  return lines;
}
