import type { TrendModel, TrendSeries } from "../report/trends.ts";

/** One issue to open or update: every level shift that starts at the same commit. */
export interface ChangepointNotice {
  key: string;
  title: string;
  markdown: string;
}

interface Shift {
  series: TrendSeries;
  relativeShift: number;
  pValue: number;
  runId: string;
}

function worse(shift: Shift): boolean {
  return shift.relativeShift > 0 === (shift.series.direction === "lower");
}

function percent(value: number): string {
  return `${value > 0 ? "+" : ""}${(value * 100).toFixed(1)}%`;
}

/**
 * The change-point issues for a trend model: one per commit where a level shift on main starts,
 * and only where at least one metric got worse (improvements are listed beside them, never
 * opened on their own). Keyed by commit, so a maintainer who closes one is not asked again.
 * Pure.
 */
export function changepointNotices(
  model: TrendModel,
  links: { trends?: string; run?: string } = {},
): ChangepointNotice[] {
  const byCommit = new Map<string, Shift[]>();
  for (const series of model.series) {
    for (const cp of series.changePoints) {
      const shifts = byCommit.get(cp.shortSha) ?? [];
      shifts.push({ series, relativeShift: cp.relativeShift, pValue: cp.pValue, runId: cp.runId });
      byCommit.set(cp.shortSha, shifts);
    }
  }
  const notices: ChangepointNotice[] = [];
  for (const [sha, shifts] of byCommit) {
    if (!shifts.some(worse)) continue;
    const rows = shifts.map(
      (s) =>
        `| ${s.series.kind} · ${s.series.suite} · ${s.series.metric} ${s.series.direction === "lower" ? "↓" : "↑"} | ${percent(s.relativeShift)} | ${worse(s) ? "🔻 worse" : "✅ better"} | ${s.pValue.toFixed(3)} |`,
    );
    const footer = [
      links.trends ? `Trends: ${links.trends}` : undefined,
      links.run ? `Found by: ${links.run}` : undefined,
    ].filter((line) => line !== undefined);
    notices.push({
      key: `commit-${sha}`,
      title: `perfgate: performance level shift on main at ${sha}`,
      markdown: [
        `perfgate's change-point detection found a level shift on \`main\` starting at commit \`${sha}\` (run ${shifts[0]?.runId}).`,
        "",
        "| metric | shift | | p |",
        "|---|---:|---|---:|",
        ...rows,
        "",
        ...(footer.length > 0 ? [footer.join(" · "), ""] : []),
        "Close this issue once the shift is understood (fixed, or accepted); perfgate will not reopen it.",
      ].join("\n"),
    });
  }
  return notices;
}
