import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOTS = ['packages', 'apps', 'scripts'];
const SKIP = new Set(['node_modules', 'dist', 'cdk.out', 'coverage', 'bench-results', '.turbo']);

/** Every `*.bench.ts` under packages/, apps/ and scripts/, relative to `root`, sorted. */
export function discoverBenchFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a root that does not exist (yet)
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.bench.ts')) found.push(relative(root, path));
    }
  };
  for (const r of ROOTS) walk(join(root, r));
  return found.sort();
}

/** A file is selected when any filter (case-insensitive substring) is in its path or a suite name. */
export function matchesFilter(filters: readonly string[], ...haystacks: readonly string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => haystacks.some((h) => h.toLowerCase().includes(f.toLowerCase())));
}
