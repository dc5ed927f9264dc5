#!/usr/bin/env tsx
// `npm run screenshots`: the README's pictures, taken in the system Chromium (CHROME_PATH):
// docs/dashboard.png from reports/index.html and docs/pr-comment.png from the compare golden
// file rendered as GitHub renders a comment (GFM, ~780 px wide).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { marked } from "marked";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const executablePath = process.env.CHROME_PATH || "/usr/bin/chromium";

const COMMENT_STYLE = `
body{font:14px/1.5 -apple-system,"Segoe UI",system-ui,sans-serif;color:#1f2328;margin:0;background:#fff}
.comment{width:780px;margin:16px;border:1px solid #d1d9e0;border-radius:6px}
.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e}
.body{padding:16px}h2{font-size:20px;border-bottom:1px solid #d1d9e0;padding-bottom:6px}h3{font-size:16px}
table{border-collapse:collapse;display:block;overflow:auto;font-size:13px}
td,th{border:1px solid #d1d9e0;padding:4px 8px}tr:nth-child(2n){background:#f6f8fa}
code{background:#eff1f3;padding:1px 4px;border-radius:4px;font-size:85%}sub{color:#59636e}
`;

const tmp = await mkdtemp(path.join(os.tmpdir(), "perfgate-shots-"));
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`file://${path.join(root, "reports", "index.html")}`);
  await page.screenshot({ path: path.join(root, "docs", "dashboard.png") });

  const markdown = await readFile(
    path.join(root, "harness", "test", "golden", "compare", "comparison.md"),
    "utf8",
  );
  const html = `<!doctype html><meta charset="utf-8"><style>${COMMENT_STYLE}</style><div class="comment"><div class="head"><b>perfgate</b> (bot) commented</div><div class="body">${await marked.parse(markdown)}</div></div>`;
  const file = path.join(tmp, "comment.html");
  await writeFile(file, html);
  const comment = await browser.newPage({ viewport: { width: 820, height: 800 } });
  await comment.goto(`file://${file}`);
  await comment.locator(".comment").screenshot({ path: path.join(root, "docs", "pr-comment.png") });
} finally {
  await browser.close();
  await rm(tmp, { recursive: true, force: true });
}
