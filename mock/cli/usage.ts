/**
 * The option table as people read it: `--help` and the README's option table, both made from
 * the table in options.ts so neither can fall behind it.
 */
import { contract, envName, OPTIONS, type CliOption } from "./options.js";

/** Column of the help text in `--help`; a longer option name puts its text on the next line. */
const HELP_COLUMN = 32;
/** `--help` wraps its lines at this width. */
const WIDTH = 100;

/** `--port <n>`, `-h, --help`. */
function synopsis(option: CliOption): string {
  const long = option.kind === "flag" ? `--${option.name}` : `--${option.name} ${option.placeholder}`;
  return option.short === undefined ? long : `-${option.short}, ${long}`;
}

/** The default as text, and whether it is a value (shown as code) rather than words; undefined for flags. */
function shownDefault(option: CliOption): { text: string; isValue: boolean } | undefined {
  if (option.kind === "flag") return undefined;
  if (option.default === undefined) return { text: option.shownDefault ?? "none", isValue: false };
  return { text: option.shownDefault ?? String(option.default), isValue: true };
}

const plain = (markdown: string) => markdown.replaceAll("`", "");

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** The text `--help` prints: how to run the command, then every option with its default and its environment variable. */
export function usage(table: readonly CliOption[] = OPTIONS): string {
  const indent = " ".repeat(HELP_COLUMN);
  const blocks = table.map((option) => {
    const fallback = shownDefault(option);
    const help = plain(option.help) + (fallback === undefined ? "" : ` (default: ${plain(fallback.text)})`);
    const text = wrap(help, WIDTH - HELP_COLUMN);
    const variable = envName(option);
    if (variable !== undefined) text.push(`env: ${variable}`);
    const head = `  ${synopsis(option)}`;
    const [first, ...rest] = text.map((line) => indent + line);
    const lines = head.length + 2 <= HELP_COLUMN ? [head.padEnd(HELP_COLUMN) + (first ?? "").trimStart()] : [head, first ?? ""];
    return [...lines, ...rest].join("\n");
  });
  const served = contract.operations.map((op) => `${op.operationId} (${op.method.toUpperCase()} ${op.pathTemplate})`).join(", ");
  const about = `A mock of ${served}, with a control API at /__mock, its health at /__mock/health and the API reference at /docs.`;
  return [
    "Usage: createchat-mock [options]",
    "  (npx createchat-mock [options] where it is installed; npm start -- [options] in its repository)",
    "",
    ...wrap(about, WIDTH),
    ...wrap("Every setting can also come from the environment variable under it; the command line wins.", WIDTH),
    "",
    "Options:",
    ...blocks,
    "",
  ].join("\n");
}

/** A table cell: `|` escaped, as GitHub's tables need even inside code. */
const cell = (text: string) => text.replaceAll("|", "\\|");
const code = (text: string) => `\`${text}\``;
const row = (cells: readonly string[]) => `|${cells.map((c) => (c === "" ? " " : ` ${c} `)).join("|")}|`;

/** The README's option table, one row per option (its lines, without a final newline). */
export function optionsMarkdown(table: readonly CliOption[] = OPTIONS): string {
  const rows = table.map((option) => {
    const long = code(option.kind === "flag" ? `--${option.name}` : `--${option.name} ${option.placeholder}`);
    const name = option.short === undefined ? long : `${code(`-${option.short}`)}, ${long}`;
    const variable = envName(option);
    const fallback = shownDefault(option);
    const shown = fallback === undefined ? "" : fallback.isValue ? code(fallback.text) : fallback.text;
    return row([cell(name), variable === undefined ? "" : code(variable), cell(shown), cell(option.help)]);
  });
  return [row(["option", "environment variable", "default", "meaning"]), row(["---", "---", "---", "---"]), ...rows].join("\n");
}
