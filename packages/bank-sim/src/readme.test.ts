import { readFileSync } from 'node:fs';
import { OPEN_BANKING_CODE_TABLE } from '@remit/core';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('lists every code of the protocol table', () => {
    for (const row of OPEN_BANKING_CODE_TABLE) {
      // Table cells may be padded by the formatter.
      expect(readme, `${row.field} ${row.code}`).toMatch(
        new RegExp(`\\|\\s*${row.field}\\s*\\|\\s*${row.code}\\s*\\|`),
      );
    }
  });
});
