/**
 * A log's output that never hurts the mock: when its reader goes away (EPIPE, a closed pipe) the
 * mock goes on serving and the lines are dropped; when its reader stalls, at most a bounded number
 * of bytes wait in memory, the lines past them are dropped, and once the reader catches up one
 * line says how many were.
 */
import type { Writable } from "node:stream";

/** Bytes of log that may wait for a slow reader before lines are dropped. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface BoundedOutput {
  /** Writes one line (no trailing newline), or drops it. */
  line(text: string): void;
  /** Lines dropped so far. */
  dropped(): number;
}

export interface BoundedOutputOptions {
  /** Default {@link DEFAULT_MAX_BUFFERED_BYTES}. */
  maxBufferedBytes?: number;
  /** The line that reports `count` dropped lines, in the log's own format. */
  droppedNotice: (count: number) => string;
}

export function createBoundedOutput(stream: Writable, options: BoundedOutputOptions): BoundedOutput {
  const max = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  let gone = false;
  let dropped = 0;
  let unreported = 0;
  let waitingForDrain = false;
  // Without a listener, an EPIPE on stdout is an uncaught 'error' event: the process would exit.
  stream.on("error", () => {
    gone = true;
  });
  const drop = () => {
    dropped += 1;
    unreported += 1;
  };
  return {
    line(text) {
      if (gone || stream.destroyed || !stream.writable) return drop();
      if (stream.writableLength >= max) {
        drop();
        if (!waitingForDrain) {
          waitingForDrain = true;
          stream.once("drain", () => {
            waitingForDrain = false;
            if (gone || unreported === 0) return;
            const count = unreported;
            unreported = 0;
            stream.write(`${options.droppedNotice(count)}\n`);
          });
        }
        return;
      }
      stream.write(`${text}\n`);
    },
    dropped: () => dropped,
  };
}
