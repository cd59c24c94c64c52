// Lists, at the end of a vitest run, every test that was skipped because a system tool is missing, one line each.
import type { Reporter, TestModule } from 'vitest/node';
import { REQUIRE_ALL, SKIP_MARK } from './requirements';

/** A vitest reporter that prints one line per test skipped by `needs(...)`, saying what to install. */
export class SkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        if (!note?.startsWith(SKIP_MARK)) continue;
        lines.push(`  SKIPPED ${mod.moduleId.replace(`${process.cwd()}/`, '')} > ${test.name}: ${note}`);
      }
    }
    if (!lines.length) return;
    console.log(
      `\n${lines.length} test(s) skipped because a system tool is missing (${REQUIRE_ALL}=1 makes this a failure):\n${lines.join('\n')}\n`,
    );
  }
}
