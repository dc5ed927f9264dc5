import { detectProject, type PackageManager } from "../../init/detect.ts";
import { initFiles } from "../../init/templates.ts";
import { writeInitFiles } from "../../init/write-files.ts";
import { renderInitSummary } from "../../render/init-summary.ts";
import { EXIT } from "../../schema/errors.ts";
import type { Command } from "../command.ts";
import { bool, choice, parseFlags, text } from "../flags.ts";

const MANAGERS: readonly PackageManager[] = ["npm", "pnpm", "yarn", "bun"];

const OPTIONS = {
  yes: {
    ...bool("accept every detected or default choice (init asks nothing anyway)"),
    short: "y",
  },
  force: bool("overwrite files that already exist"),
  start: text("the app's start command (default: the start script, else `node server.js`)"),
  "ready-url": text(
    "URL that answers 2xx once the app is up; {port} is the port perfgate picks",
    "http://127.0.0.1:{port}/",
  ),
  "package-manager": choice("the package manager (default: from the lockfile)", MANAGERS),
};

/**
 * `perfgate init`: the files a repository needs to run perfgate, from what it detects and the
 * flags. Asks nothing; an existing file is kept unless --force, so a second run changes nothing.
 */
export const initCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "init [options]",
    examples: ["npx perfgate init", "npx perfgate init --start 'node dist/server.js' --force"],
  },
  async run(argv, io) {
    const { values } = parseFlags("init", argv, OPTIONS);
    const detected = detectProject(io.cwd);
    const manager = values["package-manager"];
    const files = initFiles({
      ...detected,
      ...(manager ? { packageManager: manager } : {}),
      start: values.start ?? detected.startCommand ?? "node server.js",
      readyUrl: values["ready-url"],
    });
    const outcomes = await writeInitFiles(io.cwd, files, values.force);
    io.out(renderInitSummary(outcomes, manager ?? detected.packageManager));
    return EXIT.ok;
  },
};
