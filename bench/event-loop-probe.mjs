// Preloaded into the mock's process by bench/soak-journal.ts (`node --import ./bench/event-loop-probe.mjs`):
// measures the event loop's delay with perf_hooks.monitorEventLoopDelay, from inside the process.
// On SIGUSR2 it writes `event-loop max=<ms> p99=<ms>` to stderr and starts a fresh measurement.
import { monitorEventLoopDelay } from "node:perf_hooks";

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on("SIGUSR2", () => {
  process.stderr.write(`event-loop max=${(histogram.max / 1e6).toFixed(1)} p99=${(histogram.percentile(99) / 1e6).toFixed(1)}\n`);
  histogram.reset();
});
