import type { DoctorCheck } from "../pipeline/doctor.ts";

/** `✓ name  detail` and, indented below, what it enables or disables. */
export function renderDoctor(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  return checks
    .map(
      (check) =>
        `${check.found ? "✓" : "✗"} ${check.name.padEnd(width)}  ${check.detail}\n    ${check.effect}\n`,
    )
    .join("");
}
