import { detectProject, type PackageManager } from "../../init/detect.ts";
import { initFiles } from "../../init/templates.ts";
import { writeInitFiles } from "../../init/write-files.ts";
import { EXIT } from "../../schema/errors.ts";
import { choiceFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const OPTIONS = {
  yes: { type: "boolean", short: "y", default: false },
  force: { type: "boolean", default: false },
  start: { type: "string" },
  "ready-url": { type: "string", default: "http://127.0.0.1:{port}/" },
  "package-manager": { type: "string" },
} as const;

const MANAGERS: readonly PackageManager[] = ["npm", "pnpm", "yarn", "bun"];

/**
 * `perfgate init`: the files a repository needs to run perfgate, from what it detects and the
 * flags. Asks nothing; an existing file is kept unless --force, so a second run changes nothing.
 */
export const initCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "init [options]",
    flags: {
      yes: "accept every detected or default choice (init asks nothing either way; for CI)",
      force: "overwrite files that already exist",
      start: "the app's start command (default: the start script, else `node server.js`)",
      "ready-url": "URL that answers 2xx once the app is up; {port} is the port perfgate picks",
      "package-manager": "npm, pnpm, yarn or bun (default: from the lockfile)",
    },
    examples: ["npx perfgate init", "npx perfgate init --start 'node dist/server.js' --force"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("init", argv, OPTIONS);
    const detected = detectProject(io.cwd);
    const manager =
      values["package-manager"] === undefined
        ? undefined
        : choiceFlag("init", "package-manager", values["package-manager"], MANAGERS);
    const files = initFiles({
      ...detected,
      ...(manager ? { packageManager: manager } : {}),
      start: values.start ?? detected.startCommand ?? "node server.js",
      readyUrl: values["ready-url"],
    });
    for (const { file, action } of await writeInitFiles(io.cwd, files, values.force)) {
      const note = action === "kept-different" ? " (exists; --force overwrites)" : "";
      io.out(`  ${(action === "wrote" ? "wrote" : "kept").padEnd(8)}${file}${note}\n`);
    }
    const run = detected.packageManager === "npm" ? "npx" : `${detected.packageManager} exec`;
    io.out(
      `\nnext:\n  1. edit perfgate.config.ts: target.start (your start command) and the endpoints\n  2. ${run} perfgate load\n  3. git add perfgate.config.ts scenarios microbench lighthouserc.json .github reports && git commit -m "perfgate"\n`,
    );
    return EXIT.ok;
  },
};
