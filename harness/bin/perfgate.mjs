#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx: the launcher of a clone (npm scripts,
// action.yml), with no build step. The published package's bin is dist/cli.js instead. The
// "perfgate-source" condition makes workspace packages (@perfgate/engine) resolve to their
// sources too.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

register(
  `data:text/javascript,${encodeURIComponent(
    'export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "perfgate-source"] }); }',
  )}`,
);
registerTsx();
const { cliMain } = await import("../src/cli/main.ts");
await cliMain();
