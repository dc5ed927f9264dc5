import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { withReportsLock } from "./lock.ts";

/** The generated pages of `reports/`: chart files by name, and top-level files by name. */
export interface ReportPages {
  charts: Map<string, string>;
  files: Record<string, string>;
}

/**
 * Replace the generated pages under the reports lock, each file atomically; charts that no
 * longer belong to a series are removed. Returns the paths written.
 */
export function writeReportPages(reportsDir: string, pages: ReportPages): Promise<string[]> {
  return withReportsLock(reportsDir, async () => {
    const written: string[] = [];
    const chartsDir = path.join(reportsDir, "charts");
    for (const [name, svg] of pages.charts) {
      const file = path.join(chartsDir, name);
      await writeFileAtomic(file, svg);
      written.push(file);
    }
    const existing = await readdir(chartsDir).catch(() => [] as string[]);
    for (const name of existing) {
      if (name.endsWith(".svg") && !pages.charts.has(name))
        await rm(path.join(chartsDir, name), { force: true });
    }
    for (const [name, text] of Object.entries(pages.files)) {
      const file = path.join(reportsDir, name);
      await writeFileAtomic(file, text);
      written.push(file);
    }
    return written;
  });
}
