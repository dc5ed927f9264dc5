/**
 * The deliberate leak (PERFGATE_APP_LEAK_BYTES > 0), only to prove perfgate's leak detector:
 * every API request keeps a buffer in a list nothing ever trims, the classic unbounded
 * "request log" leak. Off by default; never enable it outside that test.
 */
const retained: Buffer[] = [];

export function leakOnRequest(bytes: number): void {
  if (bytes > 0) retained.push(Buffer.alloc(bytes, 1));
}

export function leakStats(): { retainedBuffers: number; retainedBytes: number } {
  let retainedBytes = 0;
  for (const buffer of retained) retainedBytes += buffer.byteLength;
  return { retainedBuffers: retained.length, retainedBytes };
}
