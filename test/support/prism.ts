/** Starts Prism's validation proxy (the independent oracle of the contract) in front of an upstream. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export interface RunningPrism {
  url: string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (Prism cannot report the one it picks itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** `prism proxy openapi.yaml <upstream>` on 127.0.0.1; resolves once it listens, rejects after `timeoutMs`. */
export async function startPrismProxy(upstream: string, timeoutMs = 45_000): Promise<RunningPrism> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    resolve(root, "node_modules/.bin/prism"),
    ["proxy", resolve(root, "openapi.yaml"), upstream, "--port", String(port), "--host", "127.0.0.1"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await Promise.race([once(child, "exit"), new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };

  let output = "";
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`Prism did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, stop };
}
