/**
 * `npm run conformance [-- --spec <file>]`: the mock behind Prism's validation proxy, driven
 * through every case of its behaviour table and every stateful branch (spent quota, in-flight
 * limit, injected faults). Prints the requests driven, the response violations Prism found
 * (grouped by kind) and where Prism's request validator and the mock's disagree.
 *
 * Exits 1 when Prism finds any response violation or a branch of the table was not reached, and,
 * with the project's own openapi.yaml, when the validators disagree where the behaviour table does
 * not say why (its reasons are written for that document; with another one the disagreements are
 * reported, not failed: they show where the two documents judge requests differently). 0 otherwise.
 *
 * @example
 * npm run conformance
 * npm run conformance -- --spec path/to/the/vendors/chats.openapi.yaml
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runConformanceDrive, type ConformanceReport } from "../test/contract/conformance-drive.js";
import { violationKind } from "../test/contract/prism-verdict.js";
import { CONTRACT_PATH } from "../test/support/prism.js";

const USAGE = "usage: npm run conformance [-- --spec <openapi document of the chat operations>]";

/** The report as the console shows it. */
function formatReport(report: ConformanceReport): string {
  const lines = [
    `spec: ${report.spec}`,
    `requests driven through Prism's proxy: ${report.requestsDriven} (${report.answeredByPrism} answered by Prism itself, the rest by the mock)`,
  ];

  const kinds = new Map<string, string[]>();
  for (const { label, violation } of report.violations) {
    const key = `${violationKind(violation)}: ${violation.message}`;
    kinds.set(key, [...(kinds.get(key) ?? []), label]);
  }
  lines.push(`response violations: ${report.violations.length}`);
  for (const [kind, labels] of kinds) {
    lines.push(`  ${labels.length} × ${kind}`);
    for (const label of labels.slice(0, 3)) lines.push(`      e.g. ${label}`);
  }

  const known = report.disagreements.filter((d) => d.known);
  const unexplained = report.disagreements.filter((d) => !d.known);
  lines.push(`request-validator disagreements: ${report.disagreements.length} (${known.length} known, ${unexplained.length} not in the table)`);
  for (const d of report.disagreements) {
    const mock = `mock ${d.mock.status}${d.mock.code ? ` ${d.mock.code}` : ""}`;
    lines.push(`  ${d.known ? "known" : "not in the table"} ${d.kind}: ${d.label}`);
    lines.push(`      Prism: ${d.prism}; ${mock}${d.known ? `; why: ${d.known}` : ""}`);
  }
  for (const label of report.staleKnownDisagreements) lines.push(`  stale: "${label}" is listed as a known disagreement but the validators agree`);

  lines.push(`branches not reached: ${report.missedBranches.length}`);
  for (const m of report.missedBranches) {
    lines.push(`  ${m.label}: expected ${m.expected.status} ${m.expected.code ?? ""}, the mock answered ${m.got.status} ${m.got.code ?? ""}`);
  }
  return lines.join("\n");
}

/** Whether the drive passed (see the file's comment for what fails it). */
function passed(report: ConformanceReport, ownContract: boolean): boolean {
  const agreed = report.disagreements.every((d) => d.known) && report.staleKnownDisagreements.length === 0;
  return report.violations.length === 0 && report.missedBranches.length === 0 && (agreed || !ownContract);
}

async function main(): Promise<number> {
  let spec: string;
  try {
    const { values } = parseArgs({ options: { spec: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    spec = values.spec === undefined ? CONTRACT_PATH : resolve(values.spec);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const report = await runConformanceDrive({ spec });
  console.log(formatReport(report));
  const ok = passed(report, spec === CONTRACT_PATH);
  console.log(`${ok ? "PASS" : "FAIL"} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
