/**
 * Prints the fault matrix after the fault suite: one row per top-level `describe` of a file
 * under test/faults (the fault), the names of its tests (the steps or cases it was tried at)
 * and the result. A row holds only when every one of its tests passed; a skipped test is not
 * a pass.
 */
import type { Reporter, TestModule } from 'vitest/node';

interface Row {
  fault: string;
  cases: string[];
  failed: string[];
  skipped: string[];
}

export default class MatrixReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = new Map<string, Row>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const suite = topSuiteName(test);
        const row = rows.get(suite) ?? { fault: suite, cases: [], failed: [], skipped: [] };
        rows.set(suite, row);
        row.cases.push(test.name);
        const state = test.result().state;
        if (state === 'failed') row.failed.push(test.name);
        else if (state !== 'passed') row.skipped.push(test.name);
      }
    }
    process.stdout.write(`\n${renderMatrix([...rows.values()])}\n`);
  }
}

function topSuiteName(test: { parent: unknown; module: { moduleId: string } }): string {
  let node = test.parent as { type?: string; name?: string; parent?: unknown } | undefined;
  let name: string | undefined;
  while (node && node.type === 'suite') {
    name = node.name;
    node = node.parent as typeof node;
  }
  return name ?? test.module.moduleId.replace(/^.*\/test\/faults\//, '');
}

export function renderMatrix(rows: Row[]): string {
  const lines = ['| fault | tried at | result |', '|---|---|---|'];
  for (const row of rows) {
    const result = row.failed.length
      ? `FAILED at ${row.failed.join(', ')}`
      : row.skipped.length
        ? `NOT RUN at ${row.skipped.join(', ')}`
        : 'holds';
    lines.push(`| ${row.fault} | ${row.cases.join(', ')} | ${result} |`);
  }
  return lines.join('\n');
}
