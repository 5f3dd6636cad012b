import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { OPEN_BANKING_PATHS } from '@remit/core';
import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from './args.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('optionsFromArgs', () => {
  it('maps flags to options', () => {
    expect(
      optionsFromArgs([
        '--port',
        '8080',
        '--allow',
        '127.0.0.2',
        '--allow',
        '127.0.0.3,127.0.0.4',
        '--maintenance',
        'off',
        '--page-size',
        '10',
        '--seed',
        '42',
        '--fault',
        'processing=0.25',
      ]),
    ).toMatchObject({
      port: 8080,
      allow: ['127.0.0.2', '127.0.0.3', '127.0.0.4'],
      maintenance: null,
      pageSize: 10,
      randomFaults: { seed: 42, rates: { processing: 0.25 } },
      verbose: false,
    });
    expect(optionsFromArgs(['--maintenance', '23:00-01:00']).maintenance).toEqual({
      startMinuteKst: 1380,
      endMinuteKst: 60,
    });
    expect(optionsFromArgs(['--allow', 'any']).allow).toBe('any');
    expect(optionsFromArgs(['--', '--port', '1']).port).toBe(1); // `pnpm start -- ...`
  });

  it('refuses bad flags', () => {
    expect(() => optionsFromArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => optionsFromArgs(['--fault', 'reset=2'])).toThrow(/--fault/);
    expect(() => optionsFromArgs(['--nope'])).toThrow();
  });
});

/** Resolves with the first stdout line; keeps draining stdout after (a closed pipe would kill the child). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += String(chunk);
      const nl = buffered.indexOf('\n');
      if (nl >= 0) resolve(buffered.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`bank-sim exited (${code}) before printing: ${buffered}`)));
  });
}

describe('bank-sim CLI', () => {
  it('starts on an ephemeral port, answers, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@remit/source', '--import', 'tsx', CLI, '--port', '0', '--allow', '127.0.0.1'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    try {
      const line = await firstLine(child);
      const url = /^bank-sim listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      expect(url, `${line}\n${stderr}`).toBeDefined();
      const res = await fetch(`${url}${OPEN_BANKING_PATHS.notices}?from_dtime=20261128000000`, {
        headers: { authorization: 'Bearer bank-sim-access-token' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ rsp_code: 'A0000', res_list: [] });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 20_000);
});
