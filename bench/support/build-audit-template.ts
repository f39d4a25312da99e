/**
 * Builds (or finds cached) the audit benchmarks' template in a process of its own, forked by
 * audit-bench.ts: the loader generates and hashes a million events, and the garbage that leaves
 * behind would otherwise sit in the measuring process and count in its first run's memory peak.
 * Sends the template's coordinates to the parent.
 *
 *   forked with --events=N (see fixtureTemplate in audit-bench.ts)
 */
import { ensureAuditTemplate } from "./audit-fixture";
import { numberArgument } from "./control-plane";

const template = await ensureAuditTemplate(numberArgument("events", 1_000_000));
process.send!(template);
process.disconnect();
