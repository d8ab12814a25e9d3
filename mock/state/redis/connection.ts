/**
 * The connection to Redis (ioredis), set up so that a store outage is answered, never waited out or
 * repeated: every command is bounded by the store timeout, nothing is queued while disconnected,
 * and a command cut by a dropped connection is never sent again (it may have run: sending it again
 * would count a request twice). After one failure the connection fails fast until a probe gets an
 * answer again; then whoever cached shared values is told to refresh them. A second connection
 * listens on the mock's channel for what other replicas change.
 */
import { Redis, type RedisOptions } from "ioredis";
import { systemClock } from "../clock.js";
import { StoreStartError, StoreUnavailableError } from "../store-errors.js";
import type { StoreHealth } from "../store.js";
import type { StoreLocation } from "./location.js";

/** Options of {@link connectStore}. */
export interface ConnectionOptions {
  location: StoreLocation;
  /** The longest a command (and the first connection) may take, in ms. */
  timeoutMs: number;
  /** The name the connections carry in `CLIENT LIST`. */
  name: string;
}

/** One mock process's use of Redis. */
export interface StoreConnection {
  readonly client: Redis;
  readonly location: string;
  readonly timeoutMs: number;
  /**
   * Runs commands; a failure of the store (down, slower than the timeout, out of memory) rejects
   * with {@link StoreUnavailableError}, at once while the store is known to be down.
   */
  call<T>(run: (client: Redis) => Promise<T>): Promise<T>;
  /**
   * Redis's clock in ms as this process estimates it (its own time plus the skew measured at
   * connect): scripts get a deadline on it, so one that Redis reaches after the mock gave up changes nothing.
   */
  redisNow(): number;
  /** Calls `listener` with every message of `channel` (resubscribed after a reconnect). */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** Calls `listener` whenever the store answers again after an outage (messages may have been missed). */
  onRecovered(listener: () => void): void;
  health(): Promise<StoreHealth>;
  /** Closes both connections; commands after it fail. */
  close(): Promise<void>;
}

/** Redis errors that mean "not now" rather than a mistake of the mock's. */
const BUSY_REPLIES = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/** How often a store known to be down is asked again, at most. */
const PROBE_EVERY_MS = 100;

/**
 * Connects and checks the store answers; rejects with {@link StoreStartError} in one line when it
 * cannot be reached within the timeout.
 */
export async function connectStore(options: ConnectionOptions): Promise<StoreConnection> {
  const { location, timeoutMs, name } = options;
  const clientOptions: RedisOptions = {
    host: location.host,
    port: location.port,
    db: location.db,
    ...(location.username === undefined ? {} : { username: location.username }),
    ...(location.password === undefined ? {} : { password: location.password }),
    ...(location.tls ? { tls: {} } : {}),
    connectionName: name,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // Fail at once while disconnected instead of queueing (a queue would hang requests, then replay them).
    enableOfflineQueue: false,
    // A command cut by a dropped connection may have run: sending it again could count a request twice.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // Keep trying to reconnect, quickly: replicas serve again as soon as Redis is back.
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    // Replies in RESP2 shapes (plain arrays), whatever the server's default.
    protocol: 2,
    // No auto-pipelining: measured here, it cost more CPU per request than it saved in writes.
  };
  const client = new Redis(clientOptions);
  // Errors come as events too (each reconnect attempt has one); without a listener ioredis prints them.
  client.on("error", () => undefined);
  try {
    // The first error fails the start at once: ioredis would keep trying, and a refused connection stays refused.
    const firstError = new Promise<never>((_, reject) => client.once("error", reject));
    await withTimeout(Promise.race([client.connect(), firstError]), timeoutMs, `no answer within ${timeoutMs} ms`);
  } catch (error) {
    client.disconnect();
    throw new StoreStartError(`cannot reach the state store ${location.label}: ${describe(error as Error, timeoutMs)}`);
  }

  let skewMs = 0;
  const measureSkew = async () => {
    const before = systemClock.now();
    const [seconds, micros] = (await client.time()) as [string | number, string | number];
    const after = systemClock.now();
    skewMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (before + after) / 2;
  };
  await measureSkew();

  const recoveredListeners: Array<() => void> = [];
  const recovered = () => {
    for (const listener of recoveredListeners) listener();
  };
  let down: string | undefined;
  let probing: NodeJS.Timeout | undefined;
  let closed = false;

  const probe = () => {
    probing = undefined;
    if (closed) return;
    client.ping().then(
      async () => {
        down = undefined;
        await measureSkew().catch(() => undefined);
        recovered();
      },
      (error: Error) => {
        down = describe(error, timeoutMs);
        probing = setTimeout(probe, PROBE_EVERY_MS).unref();
      },
    );
  };
  const markDown = (reason: string) => {
    down ??= reason;
    if (probing === undefined && !closed) probing = setTimeout(probe, PROBE_EVERY_MS).unref();
  };

  const subscribers: Redis[] = [];
  const call = async <T>(run: (client: Redis) => Promise<T>): Promise<T> => {
    if (down !== undefined) throw new StoreUnavailableError(location.label, down);
    try {
      return await run(client);
    } catch (error) {
      if (!isUnavailability(error)) throw error;
      const reason = describe(error as Error, timeoutMs);
      markDown(reason);
      throw new StoreUnavailableError(location.label, reason, { cause: error });
    }
  };

  return {
    client,
    location: location.label,
    timeoutMs,
    call,
    redisNow: () => systemClock.now() + skewMs,
    async subscribe(channel, listener) {
      // A subscribed connection can run nothing else, so it is a connection of its own.
      const subscriber = client.duplicate({ enableOfflineQueue: true, connectionName: `${name}:events` });
      subscribers.push(subscriber);
      subscriber.on("error", () => undefined);
      let readyBefore = false;
      subscriber.on("ready", () => {
        // A reconnect: what was published meanwhile was missed.
        if (readyBefore) recovered();
        readyBefore = true;
      });
      subscriber.on("message", (from: string, message: string) => {
        if (from === channel) listener(message);
      });
      await withTimeout(subscriber.subscribe(channel), timeoutMs, `no answer within ${timeoutMs} ms`);
    },
    onRecovered(listener) {
      recoveredListeners.push(listener);
    },
    async health() {
      if (down !== undefined) return { kind: "redis", location: location.label, available: false, reason: down };
      try {
        await call((c) => c.ping());
        return { kind: "redis", location: location.label, available: true };
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        return { kind: "redis", location: location.label, available: false, reason: error.reason };
      }
    },
    async close() {
      closed = true;
      if (probing !== undefined) clearTimeout(probing);
      await Promise.all(
        [client, ...subscribers].map((connection) =>
          withTimeout(connection.quit(), timeoutMs, "").catch(() => connection.disconnect()),
        ),
      );
    },
  };
}

function isUnavailability(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A reply error is Redis judging the command: a mistake of the mock's, unless Redis is busy or full.
  if (error.name === "ReplyError") return BUSY_REPLIES.test(error.message);
  return true;
}

/** The reason as a health check or an error message says it: short, one line, no credentials. */
function describe(error: Error, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.message === "Command timed out") return `no answer within ${timeoutMs} ms`;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not found";
  if (code === "ETIMEDOUT") return `no connection within ${timeoutMs} ms`;
  if (/Stream isn't writeable|Connection is closed/.test(error.message)) return "not connected";
  return error.message.split("\n")[0] ?? "unknown error";
}

function withTimeout<T>(promise: Promise<T>, ms: number, reason: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(reason)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
