/**
 * `startMock`: the mock on a free port for a test file, with its control API at hand: what
 * WireMock's JUnit rule or Prism in a `beforeAll` give, in one call.
 */
import { startMockServer, type ServeOptions } from "../mock/server.js";
import type { MockApp } from "../mock/app.js";
import { createMockControl, type MockControl } from "./control-client.js";
import { checkFixtures, type FixturesInput } from "./fixtures-input.js";

/** Options of {@link startMock}: the mock's options (quota, windowMs, parallelLimit, fixtures, ...) and where to listen. */
export interface StartMockOptions extends Omit<ServeOptions, "fixtures"> {
  /** TCP port. Default: 0, a free one (unlike the CLI's 4010, so test files never collide). */
  port?: number;
  /** Tokens and businesses, in the `--fixtures` file's shape, checked like one. Default: the demo data. */
  fixtures?: FixturesInput;
}

/** A mock listening on a socket, for one test file or suite. */
export interface StartedMock {
  /** Base URL to give the client, e.g. `http://127.0.0.1:53127`. */
  url: string;
  /** The port it listens on. */
  port: number;
  /** The control API of this mock (with the control token, when one was set). */
  control: MockControl;
  /** The app being served, for in-process calls alongside the socket. */
  app: MockApp;
  /** Closes the socket; resolves when it is released. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the mock in this process on a free port of 127.0.0.1; resolves once it listens.
 *
 * @param options the mock's options (`quota`, `windowMs`, `parallelLimit`, `latency`, `fixtures`,
 *   `controlToken`, ...); `port` default 0, `host` default 127.0.0.1.
 * @throws FixturesError (rejection) for bad `fixtures`, before anything listens; the message
 *   names the field (`startMock({ fixtures }): /businesses/0/model must be one of ...`).
 * @throws ListenError (rejection) when the socket cannot be opened.
 * @example
 * let mock: StartedMock;
 * beforeAll(async () => { mock = await startMock({ quota: 5 }); });
 * beforeEach(() => mock.control.reset());
 * afterAll(() => mock.stop());
 */
export async function startMock(options: StartMockOptions = {}): Promise<StartedMock> {
  const fixtures = checkFixtures(options.fixtures, "startMock({ fixtures })");
  const running = await startMockServer({ ...options, fixtures, port: options.port ?? 0 });
  return {
    url: running.url,
    port: running.port,
    app: running.app,
    control: createMockControl({
      baseUrl: running.url,
      ...(options.controlToken === undefined ? {} : { controlToken: options.controlToken }),
    }),
    stop: () => running.close(),
  };
}
