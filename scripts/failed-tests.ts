/**
 * The names of the failed tests in a Vitest or Playwright JSON report, so the last lines of
 * `npm test` say which tests failed, not only how many: CI keeps only the tail of the output.
 */

interface VitestReport {
  testResults?: {
    name: string;
    status?: string;
    message?: string;
    assertionResults?: { fullName?: string; title: string; status: string }[];
  }[];
}

export function failedVitestTests(report: VitestReport, root: string): string[] {
  const failed: string[] = [];
  for (const file of report.testResults ?? []) {
    const where = relative(file.name, root);
    const tests = (file.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of tests) failed.push(`${where} › ${test.fullName ?? test.title}`);
    // A file that fails to load (or whose hooks fail) has no failed test of its own.
    if (tests.length === 0 && file.status === "failed")
      failed.push(`${where} › ${firstLine(file.message) || "the file failed"}`);
  }
  return failed;
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  suites?: PlaywrightSuite[];
  specs?: {
    title: string;
    file: string;
    line: number;
    tests: { projectName: string; status: string }[];
  }[];
}

export function failedPlaywrightTests(report: { suites?: PlaywrightSuite[] }): string[] {
  const failed: string[] = [];
  const visit = (suite: PlaywrightSuite, titles: string[]) => {
    const path = suite.file && suite.title === suite.file ? titles : [...titles, suite.title];
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests)
        if (test.status === "unexpected")
          failed.push(`[${test.projectName}] ${spec.file}:${spec.line} › ${[...path, spec.title].join(" › ")}`);
    for (const child of suite.suites ?? []) visit(child, path);
  };
  for (const suite of report.suites ?? []) visit(suite, []);
  return failed;
}

function relative(file: string, root: string): string {
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0]?.slice(0, 200) ?? "";
}
