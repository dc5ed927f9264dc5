/** Colour only on a TTY, never in CI, and never when NO_COLOR is set (no-color.org). */
export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.CI && env.CI !== "false") return false;
  return isTTY === true;
}
