import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { ownedBytes, type Representation } from "../representation.ts";

/** What the Redis tier stores per key: the representation and when it was loaded. */
export interface StoredEntry {
  rep: Representation;
  storedAt: number;
}

export type RedisState = "connecting" | "up" | "down";

export interface RedisTierEvents {
  /** Another instance purged these tags. */
  onInvalidate(tags: readonly string[]): void;
  /** The connection came back after an outage: invalidations may have been missed. */
  onResync(): void;
  log(message: string): void;
}

const PREFIX = "perfgate:cache:";
const TAG_PREFIX = "perfgate:tag:";
const CHANNEL = "perfgate:invalidate";
/** Pending purges kept while Redis is down; beyond this the replay clears everything instead. */
const MAX_PENDING_TAGS = 10_000;
/** Wait before retrying a replay that failed on a connection that said it was ready. */
const RETRY_REPLAY_MS = 500;

// Deleting a tag's members and the tag itself in one script keeps a concurrent set from
// re-adding a member between SMEMBERS and DEL.
const PURGE_SCRIPT = `
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for i = 1, #members, 500 do
    redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
  end
  redis.call('DEL', tag)
end
return 1`;

function encode(entry: StoredEntry): Buffer {
  const { body, br: _br, gzip: _gzip, ...meta } = entry.rep;
  const header = Buffer.from(`${JSON.stringify({ ...meta, storedAt: entry.storedAt })}\n`);
  return Buffer.concat([header, body]);
}

function decode(buffer: Buffer): StoredEntry | undefined {
  const newline = buffer.indexOf(10);
  if (newline < 0) return undefined;
  try {
    const meta = JSON.parse(buffer.subarray(0, newline).toString("utf8"));
    const { storedAt, ...rep } = meta as Omit<Representation, "body"> & { storedAt: number };
    return { rep: { ...rep, body: ownedBytes(buffer.subarray(newline + 1)) }, storedAt };
  } catch {
    return undefined;
  }
}

/**
 * The shared tier: entries under `perfgate:cache:<key>`, a set per surrogate key listing the
 * entries it covers, and a pub/sub channel that carries purges to every instance.
 *
 * Redis is optional at run time: while it is unreachable every call fails fast (no offline
 * queue, short command timeout) and the app reads from the database; purges made meanwhile are
 * replayed, and local caches are cleared, when it comes back.
 */
export class RedisTier {
  readonly instanceId = randomUUID();
  state: RedisState = "connecting";
  hits = 0;
  misses = 0;
  errors = 0;
  lastError: string | undefined;
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly pending = new Set<string>();
  /** More tags were purged while down than `pending` keeps: only clearing everything is safe. */
  private pendingOverflow = false;
  private everUp = false;
  private replaying = false;
  private subscribed = false;
  private closing = false;

  constructor(
    readonly url: string,
    private readonly events: RedisTierEvents,
    private readonly maxPendingTags = MAX_PENDING_TAGS,
  ) {
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Generous: a long synchronous embedded-database query blocks the event loop, and the
      // timer would fire before the reply is read. A dead Redis fails at once (no offline queue).
      commandTimeout: 1000,
      connectTimeout: 1000,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1000),
    };
    this.client = new Redis(url, options);
    this.client.defineCommand("purgeTags", { lua: PURGE_SCRIPT });
    this.subscriber = new Redis(url, { ...options, commandTimeout: undefined });
    this.client.on("error", () => {});
    this.subscriber.on("error", () => {});
    this.client.on("ready", () => void this.onReady());
    this.client.on("close", () => this.setState("down"));
    this.subscriber.on("ready", () => {
      // autoResubscribe covers reconnects; the first subscription is made here.
      if (this.subscribed) return;
      this.subscribed = true;
      void this.subscriber.subscribe(CHANNEL).catch(() => {
        this.subscribed = false;
      });
    });
    this.subscriber.on("message", (_channel: string, message: string) => this.onMessage(message));
  }

  /** Resolves when connected, or after `timeoutMs` with the tier still down (the app starts anyway). */
  async ready(timeoutMs: number): Promise<void> {
    if (this.state === "up") return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.client.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    if (this.state !== "up") return undefined;
    try {
      const buffer = await this.client.getBuffer(PREFIX + key);
      const entry = buffer ? decode(buffer) : undefined;
      if (entry) this.hits++;
      else this.misses++;
      return entry;
    } catch (error) {
      this.failed(error as Error);
      return undefined;
    }
  }

  async set(
    key: string,
    entry: StoredEntry,
    tags: readonly string[],
    ttlMs: number,
  ): Promise<void> {
    if (this.state !== "up" || ttlMs <= 0) return;
    const multi = this.client.multi().set(PREFIX + key, encode(entry), "PX", ttlMs);
    for (const tag of tags) {
      multi.sadd(TAG_PREFIX + tag, PREFIX + key).pexpire(TAG_PREFIX + tag, ttlMs, "GT");
      // A new set has no TTL yet, and GT never sets one on a key without it.
      multi.pexpire(TAG_PREFIX + tag, ttlMs, "NX");
    }
    await multi.exec().catch((error: Error) => this.failed(error));
  }

  /** Delete every entry under `tags` and tell the other instances. */
  async purge(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    if (this.state !== "up" || !(await this.send(tags))) this.keepPending(tags);
  }

  private async send(tags: readonly string[]): Promise<boolean> {
    try {
      await (
        this.client as Redis & { purgeTags(n: number, ...keys: string[]): Promise<unknown> }
      ).purgeTags(tags.length, ...tags.map((tag) => TAG_PREFIX + tag));
      await this.client.publish(CHANNEL, JSON.stringify({ from: this.instanceId, tags }));
      return true;
    } catch (error) {
      this.failed(error as Error);
      return false;
    }
  }

  private keepPending(tags: readonly string[]): void {
    for (const tag of tags) {
      if (this.pending.size < this.maxPendingTags) this.pending.add(tag);
      else if (!this.pending.has(tag)) this.pendingOverflow = true;
    }
  }

  /**
   * Delete every entry and tag set of this cache (not the rest of a shared Redis) and tell the
   * other instances to drop their local copies too.
   */
  private async clearEverything(): Promise<boolean> {
    try {
      for (const match of [`${PREFIX}*`, `${TAG_PREFIX}*`]) {
        const stream = this.client.scanStream({ match, count: 1000 });
        for await (const keys of stream as AsyncIterable<string[]>)
          if (keys.length > 0) await this.client.unlink(...keys);
      }
      await this.client.publish(CHANNEL, JSON.stringify({ from: this.instanceId, all: true }));
      return true;
    } catch (error) {
      this.failed(error as Error);
      return false;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private failed(error: Error): void {
    this.errors++;
    this.lastError = error.message;
  }

  private setState(state: RedisState): void {
    if (this.state === state || this.closing) return;
    this.state = state;
    if (state === "down")
      this.events.log(`redis ${this.url} unreachable: reading through to the database`);
  }

  private async onReady(): Promise<void> {
    if (!this.everUp) {
      this.everUp = true;
      this.setState("up");
      return;
    }
    if (this.replaying) return;
    this.replaying = true;
    try {
      // Reads stay off Redis until the purges missed while it was down are replayed: going up
      // first would let a read fetch an entry a write made stale in the meantime. Writes made
      // during the replay land in `pending` too, hence the loop.
      if (this.pendingOverflow) {
        this.events.log(`redis ${this.url} back: too many purges were missed, clearing the cache`);
        if (!(await this.clearEverything())) {
          if (!this.closing) setTimeout(() => void this.onReady(), RETRY_REPLAY_MS).unref();
          return;
        }
        this.pendingOverflow = false;
        this.pending.clear();
      }
      this.events.log(`redis ${this.url} back: replaying ${this.pending.size} purged keys`);
      while (this.pending.size > 0) {
        const tags = [...this.pending];
        this.pending.clear();
        if (!(await this.send(tags))) {
          this.keepPending(tags);
          if (!this.closing) setTimeout(() => void this.onReady(), RETRY_REPLAY_MS).unref();
          return;
        }
      }
      if (this.client.status !== "ready") return;
      this.events.onResync();
      this.setState("up");
    } finally {
      this.replaying = false;
    }
  }

  private onMessage(message: string): void {
    try {
      const { from, tags, all } = JSON.parse(message) as {
        from: string;
        tags?: string[];
        all?: boolean;
      };
      if (from === this.instanceId) return;
      if (all === true) this.events.onResync();
      else if (Array.isArray(tags)) this.events.onInvalidate(tags);
    } catch {
      this.events.log(`ignored a malformed invalidation message: ${message.slice(0, 80)}`);
    }
  }
}
