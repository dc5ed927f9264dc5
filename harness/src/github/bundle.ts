import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { EXIT, formatIssues, HarnessError } from "../schema/index.ts";

/**
 * The hand-off between the untrusted pull_request job (read-only token, runs the PR's code) and
 * the trusted workflow_run job (may write comments, runs only the default branch's code). It is
 * an artifact, so the trusted side treats every field as attacker-controlled: the PR number is
 * re-checked against the API and the head SHA against the trusted event payload.
 */
export const BUNDLE_FORMAT = "perfgate-pr-comment/1";
const META_FILE = "pr.json";
const BODY_FILE = "comment.md";
/** Far above any real report; bounds what the trusted side reads from an untrusted artifact. */
const MAX_BODY_BYTES = 1024 * 1024;

const BundleMeta = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    pullRequest: z.number().int().positive(),
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
  })
  .strict();

export interface CommentBundle {
  pullRequest: number;
  headSha: string;
  markdown: string;
}

/** Writes the bundle the trusted workflow will post. */
export async function writeBundle(dir: string, bundle: CommentBundle): Promise<void> {
  await mkdir(dir, { recursive: true });
  const meta = { format: BUNDLE_FORMAT, pullRequest: bundle.pullRequest, headSha: bundle.headSha };
  await writeFile(join(dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`, "utf8");
  await writeFile(join(dir, BODY_FILE), bundle.markdown, "utf8");
}

/** Reads and validates a bundle downloaded from the untrusted run. */
export async function readBundle(dir: string): Promise<CommentBundle> {
  const metaPath = join(dir, META_FILE);
  const bodyPath = join(dir, BODY_FILE);
  let metaText: string;
  let markdown: string;
  try {
    [metaText, markdown] = await Promise.all([
      readFile(metaPath, "utf8"),
      readFile(bodyPath, "utf8"),
    ]);
  } catch (cause) {
    throw new HarnessError(
      "E_GITHUB_BUNDLE",
      `incomplete comment bundle in ${dir}: ${(cause as Error).message}`,
      {
        hint: "the pull_request job uploads it with `perfgate github publish --bundle <dir>`; check the artifact name",
        exitCode: EXIT.usage,
        cause,
      },
    );
  }
  if (Buffer.byteLength(markdown) > MAX_BODY_BYTES) {
    throw new HarnessError(
      "E_GITHUB_BUNDLE",
      `${bodyPath} is larger than ${MAX_BODY_BYTES} bytes`,
      {
        exitCode: EXIT.schema,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(metaText);
  } catch (cause) {
    throw new HarnessError("E_GITHUB_BUNDLE", `${metaPath} is not JSON`, {
      exitCode: EXIT.schema,
      cause,
    });
  }
  const parsed = BundleMeta.safeParse(json);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw new HarnessError("E_GITHUB_BUNDLE", `${metaPath}: ${problems.join("; ")}`, {
      hint: `expected {"format":"${BUNDLE_FORMAT}","pullRequest":<n>,"headSha":"<40 hex>"}`,
      exitCode: EXIT.schema,
    });
  }
  return { pullRequest: parsed.data.pullRequest, headSha: parsed.data.headSha, markdown };
}
