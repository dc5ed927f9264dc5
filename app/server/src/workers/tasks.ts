import { createHash } from "node:crypto";
import { renderThumbnail } from "./thumbnail.ts";

/** Work the pool runs; plain data in and out (structured clone, or a transferred buffer). */
export type Task =
  | { kind: "thumbnail"; id: number; size: number }
  | { kind: "thumbnails"; ids: number[]; size: number }
  | { kind: "crash" };

export interface BatchDigest {
  count: number;
  bytes: number;
  /** sha256 over the rendered images, so a batch's result is checkable yet small. */
  sha256: string;
}

/** Worker entry (loaded by piscina through boot.mjs). */
export default function run(task: Task): Uint8Array | BatchDigest {
  switch (task.kind) {
    case "thumbnail":
      return renderThumbnail(task.id, task.size);
    case "thumbnails": {
      const digest = createHash("sha256");
      let bytes = 0;
      for (const id of task.ids) {
        const image = renderThumbnail(id, task.size);
        bytes += image.byteLength;
        digest.update(image);
      }
      return { count: task.ids.length, bytes, sha256: digest.digest("hex") };
    }
    case "crash":
      // Fault injection (debug only): the thread dies mid-task, as a native crash would.
      process.exit(70);
      break;
  }
  throw new Error(`unknown task ${JSON.stringify(task)}`);
}
