/** The CLI as a library: its option table, parser, help text and command (mock/cli.ts runs `main`). */
export {
  contract,
  DEFAULT_SHUTDOWN_GRACE_MS,
  ENV_PREFIX,
  envName,
  flag,
  optionKey,
  OPTIONS,
  value,
  type CamelCase,
  type CliOption,
  type CliOptions,
  type FlagOption,
  type LoadContext,
  type LoadedSettingSpec,
  type OptionsOf,
  type ServeKey,
  type SettingSpec,
  type ValueOption,
} from "./options.js";
export { parseCliArgs, parseOptions, type Environment, type GivenBy, type ParseResult } from "./parse.js";
export { optionsMarkdown, usage } from "./usage.js";
export { EXIT_USAGE, main, OptionLoadError, toServeOptions, type CliIo } from "./main.js";
export {
  byteSize,
  duration,
  formatBytes,
  formatDuration,
  integer,
  latency,
  LoadError,
  nonEmpty,
  oneOf,
  operationQuotas,
  ValueError,
  type Parser,
} from "./values.js";
