import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/**
 * The system Chromium (never a downloaded one): CHROME_PATH, else Debian's package, else the
 * Chrome that GitHub's Ubuntu runners ship. Without one the browser suites skip and say so.
 */
export const chromePath: string | undefined =
  process.env.CHROME_PATH ||
  ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) =>
    existsSync(p),
  );
if (!chromePath) {
  console.warn("browser tests: skipped, no Chromium (set CHROME_PATH or apt-get install chromium)");
}

/** Headless Chromium as root on a machine with no network beyond loopback. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
