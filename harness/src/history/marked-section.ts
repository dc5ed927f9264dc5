import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "./atomic-write.ts";

/**
 * Replace the text between two marker comments of a committed document (the README's
 * evaluation table), keeping everything else byte for byte. False when the markers are absent.
 */
export async function replaceMarkedSection(
  file: string,
  markers: { start: string; end: string },
  body: string,
): Promise<boolean> {
  const text = await readFile(file, "utf8");
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < start) return false;
  const section = `${markers.start}\n${body}${markers.end}`;
  await writeFileAtomic(
    file,
    text.slice(0, start) + section + text.slice(end + markers.end.length),
  );
  return true;
}
