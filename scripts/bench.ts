// `pnpm bench [filter...]`: runs every *.bench.ts under packages/, apps/ and scripts/ (or those
// whose path or suite name contains a filter), prints medians and ratios against each suite's
// baseline measured in the same run, writes bench-results/<time>.{json,md} and latest.{json,md}.
// Exit 1 when a case throws or misses its target. The file API (defineBench, modes, targets)
// is documented in packages/core/src/testing/bench.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverBenchFiles, matchesFilter } from './bench/discover.js';
import { type CaseResult, compareSuite, formatTable, type RunInfo, toMarkdown } from './bench/report.js';
import { childMain, loadSuites, runSuite } from './bench/run.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(args: readonly string[]): Promise<number> {
  const list = args.includes('--list');
  const filters = args.filter((a) => !a.startsWith('--'));
  const info: RunInfo = {
    startedAt: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    loadAvg: loadavg(),
    filter: filters,
  };

  const results: CaseResult[] = [];
  let suitesRun = 0;
  let loadFailures = 0;
  for (const file of discoverBenchFiles(ROOT)) {
    let suites: Awaited<ReturnType<typeof loadSuites>>;
    try {
      suites = await loadSuites(ROOT, file);
    } catch (error) {
      if (!matchesFilter(filters, file)) continue;
      console.error(`${file}: cannot load: ${error instanceof Error ? error.message : String(error)}`);
      loadFailures += 1;
      continue;
    }
    for (const [index, suite] of suites.entries()) {
      if (!matchesFilter(filters, file, suite.name)) continue;
      suitesRun += 1;
      if (list) {
        console.log(`${file}  ${suite.name}  (${suite.mode ?? 'throughput'}, ${suite.cases.length} cases)`);
        continue;
      }
      console.error(`running ${suite.name} (${file}) ...`);
      const compared = compareSuite(await runSuite(ROOT, file, suite, index));
      results.push(...compared);
    }
  }

  if (suitesRun === 0) {
    console.error(filters.length > 0 ? `no benchmark matches ${filters.join(' ')}` : 'no *.bench.ts found');
    return 1;
  }
  if (list) return loadFailures > 0 ? 1 : 0;

  console.log(`\n${formatTable(results)}\n`);
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = info.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const json = `${JSON.stringify({ ...info, results }, null, 2)}\n`;
  const markdown = toMarkdown(info, results);
  for (const name of [stamp, 'latest']) {
    writeFileSync(join(dir, `${name}.json`), json);
    writeFileSync(join(dir, `${name}.md`), markdown);
  }
  console.log(`wrote bench-results/${stamp}.{json,md} (and latest.*)`);

  const failed = results.filter((r) => r.pass === false);
  for (const r of failed) console.error(`FAIL ${r.suite} / ${r.case}: ${r.failures.join('; ')}`);
  return failed.length > 0 || loadFailures > 0 ? 1 : 0;
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await childMain(args[1] ?? '{}');
} else {
  process.exitCode = await main(args);
}
