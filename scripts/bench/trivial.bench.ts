// Proves the bench harness end to end: `pnpm bench trivial`. Two ways to sum 100k numbers
// (throughput) and the same work as a oneshot case (child process, peak RSS).
import { defineBench } from '../../packages/core/src/testing/bench.js';

const N = 100_000;
const numbers = () => Array.from({ length: N }, (_, i) => i % 1000);

function forLoop(xs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i += 1) sum += xs[i]!;
  return sum;
}

export default [
  defineBench({
    name: 'trivial: sum 100k numbers',
    timeMs: 300,
    setup: numbers,
    cases: [
      { name: 'for loop', baseline: true, fn: forLoop },
      // Generous bound: only catches a harness that compares the wrong things.
      { name: 'reduce', fn: (xs) => xs.reduce((a, b) => a + b, 0), target: { maxRatio: 50 } },
    ],
  }),
  defineBench({
    name: 'trivial: allocate and sum (oneshot)',
    mode: 'oneshot',
    runs: 4,
    // Two child processes per case, interleaved: a-b, b-a.
    rounds: 2,
    cases: [
      { name: 'sum 100k', baseline: true, fn: () => forLoop(numbers()) },
      {
        name: 'sum 1M',
        fn: () => forLoop(Array.from({ length: 10 * N }, (_, i) => i)),
        target: { maxPeakRssMb: 1024 },
      },
    ],
  }),
];
