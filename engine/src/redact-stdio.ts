import type { Redactor } from "./redact.ts";

type Write = typeof process.stdout.write;

/**
 * Redacts everything this process writes to stdout and stderr while a test runs: a script's
 * `console.log` goes to Node's console (on the main thread, or forwarded from a VU or engine
 * thread), not through the engine's own output, and may print the headers it sent. Returns
 * the function that puts the streams back.
 */
export function redactProcessOutput(redactor: Redactor): () => void {
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    const write = (chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      // A string with an encoding argument is written as that encoding; redacted text is UTF-8.
      const args = typeof rest[0] === "string" ? rest.slice(1) : rest;
      return (original as (...a: unknown[]) => boolean).call(stream, redactor.text(text), ...args);
    };
    stream.write = write as Write;
    return () => {
      stream.write = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}
