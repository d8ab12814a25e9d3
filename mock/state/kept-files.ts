/**
 * The bytes of files sent into chats, kept only while they are small and few: a file up to
 * `keepFileBytes` is kept whole, a larger one is not kept at all (its metadata and SHA-256 digest
 * stay with its message), and past `maxKeptFileBytes` in all the oldest kept files are dropped.
 * So a test can read back what it sent, and a mock fed 5 MB uploads in a loop keeps flat memory.
 */

/** Default: files up to 64 KiB are kept whole (a screenshot, a small PDF). */
export const DEFAULT_KEEP_FILE_BYTES = 64 * 1024;
/** Default: at most 16 MiB of file bytes kept at once, over every chat. */
export const DEFAULT_MAX_KEPT_FILE_BYTES = 16 * 1024 * 1024;

/** Options of {@link createKeptFiles}. */
export interface KeptFilesOptions {
  /** Largest file whose bytes are kept, >= 0 (0 keeps none). Default {@link DEFAULT_KEEP_FILE_BYTES}. */
  keepFileBytes?: number;
  /** Bytes kept at once in all, >= 0. Default {@link DEFAULT_MAX_KEPT_FILE_BYTES}. */
  maxKeptFileBytes?: number;
}

/** File bytes by file id, bounded in total. */
export interface KeptFiles {
  readonly keepFileBytes: number;
  readonly maxKeptFileBytes: number;
  /** Keeps the bytes if the file is small enough; returns whether they were kept. */
  keep(fileId: number, bytes: Uint8Array): boolean;
  /** The kept bytes, if they still are. */
  bytes(fileId: number): Uint8Array | undefined;
  forget(fileId: number): void;
  clear(): void;
  /** Bytes kept now. */
  size(): number;
}

function assertBytes(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be an integer number of bytes >= 0, got ${String(value)}`);
}

export function createKeptFiles(options: KeptFilesOptions = {}): KeptFiles {
  const keepFileBytes = options.keepFileBytes ?? DEFAULT_KEEP_FILE_BYTES;
  const maxKeptFileBytes = options.maxKeptFileBytes ?? DEFAULT_MAX_KEPT_FILE_BYTES;
  assertBytes(keepFileBytes, "keepFileBytes");
  assertBytes(maxKeptFileBytes, "maxKeptFileBytes");
  // Insertion order is age: the first entry is the oldest kept file, dropped first.
  let files = new Map<number, Uint8Array>();
  let total = 0;

  const forget = (fileId: number) => {
    const bytes = files.get(fileId);
    if (bytes === undefined) return;
    files.delete(fileId);
    total -= bytes.byteLength;
  };

  return {
    keepFileBytes,
    maxKeptFileBytes,
    keep(fileId, bytes) {
      if (bytes.byteLength > keepFileBytes || bytes.byteLength > maxKeptFileBytes) return false;
      forget(fileId);
      while (total + bytes.byteLength > maxKeptFileBytes) {
        const oldest = files.keys().next().value as number;
        forget(oldest);
      }
      // A copy: the caller's buffer may be a view into a larger body.
      files.set(fileId, Uint8Array.prototype.slice.call(bytes));
      total += bytes.byteLength;
      return true;
    },
    bytes: (fileId) => files.get(fileId),
    forget,
    clear() {
      files = new Map();
      total = 0;
    },
    size: () => total,
  };
}
