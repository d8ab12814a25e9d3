/**
 * Loaded into the mock CLI's own process by `npm run bench:alloc` (`node --import <this> cli.js`):
 * on the parent's "start" it turns on V8's sampling heap profiler, counting objects that garbage
 * collection has already freed too (what a request allocates, not what it keeps), and a GC
 * profiler; on "stop" it writes both to the file the parent named and answers "stopped".
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { GCProfiler, getHeapStatistics } from "node:v8";

const out = process.env.ALLOC_PROFILE_OUT;
let session = new Session();
let gc: GCProfiler | undefined;
let usedAtStart = 0;

async function start(intervalBytes: number): Promise<void> {
  // A new session per measurement: the agent may be asked several times (one per scenario).
  session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: intervalBytes,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  gc = new GCProfiler();
  gc.start();
  usedAtStart = getHeapStatistics().used_heap_size;
}

async function stop(): Promise<void> {
  const usedAtEnd = getHeapStatistics().used_heap_size;
  const { profile } = await session.post("HeapProfiler.stopSampling");
  const gcProfile = gc?.stop();
  session.disconnect();
  if (out !== undefined) writeFileSync(out, JSON.stringify({ profile, gc: gcProfile, usedAtStart, usedAtEnd }));
}

if (out !== undefined && typeof process.send === "function") {
  process.on("message", (message: unknown) => {
    const reply = (text: string) => process.send?.(text);
    if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "start") {
      const interval = Number((message as { intervalBytes?: unknown }).intervalBytes) || 1024;
      start(interval).then(() => reply("started"), (error: unknown) => reply(`error ${String(error)}`));
    } else if (message === "stop") {
      stop().then(() => reply("stopped"), (error: unknown) => reply(`error ${String(error)}`));
    }
  });
  // The IPC channel must not keep the mock alive once it has closed its server.
  process.channel?.unref();
}
