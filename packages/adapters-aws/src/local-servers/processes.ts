import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A server process this harness started and therefore owns.
 *
 * Every server runs under a tiny `sh` watchdog in its own process group:
 *
 *   node (us) ──stdin pipe──> sh watchdog ──> java | redis-server
 *
 * The watchdog's reader blocks on its stdin. Only we hold the write end of that pipe, so when
 * we exit for any reason — including SIGKILL, where no handler of ours can run — the read
 * sees EOF and the watchdog stops the server. The watchdog itself exits when the server
 * does, which is how an early crash is noticed. Normal stops signal the whole group.
 */
export interface OwnedProcess {
  readonly name: string;
  /** PID of the server itself (java, redis-server), not of the watchdog. */
  readonly pid: number;
  /** Last lines the server printed, for error messages. */
  output(): string;
  /** Resolves once the server has exited; rejects never. */
  readonly exited: Promise<void>;
  hasExited(): boolean;
  /** SIGTERM the group, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const WATCHDOG = [
  'exec 3<&0', // keep our stdin pipe on fd 3: background jobs get /dev/null as stdin
  '"$@" </dev/null 3<&- &',
  'child=$!',
  'echo "remit-watchdog-pid $child"',
  // Blocks until the parent closes the pipe or dies (EOF); the parent never writes.
  '( while read -r _; do :; done; kill -TERM "$child" 2>/dev/null ) <&3 &',
  'watcher=$!',
  'exec 3<&-',
  'trap \'kill -TERM "$child" 2>/dev/null\' TERM INT HUP',
  'wait "$child"; status=$?',
  // `wait` returns early when a trapped signal arrives: wait for the real exit.
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** Bounded so a chatty server cannot grow our memory; enough to explain a failed start. */
const OUTPUT_TAIL_CHARS = 8_000;
/** Java's shutdown hooks and Redis's exit take well under this on a busy machine. */
const DEFAULT_GRACE_MS = 5_000;
const KILL_WAIT_MS = 5_000;

const owned = new Set<RunningProcess>();

interface RunningProcess {
  readonly pgid: number;
  readonly child: ChildProcess;
}

export async function spawnOwned(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<OwnedProcess> {
  const child = spawn('sh', ['-c', WATCHDOG, 'remit-watchdog', command, ...args], {
    cwd: options.cwd,
    detached: true, // own process group, so a stop reaches the server and nothing else
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });

  const pgid = child.pid;
  if (pgid === undefined) {
    await exitedPromise;
    throw new Error(`local-servers: could not spawn ${name} (sh not found?)`);
  }
  const running: RunningProcess = { pgid, child };
  owned.add(running);
  installExitHandlers();
  // Do not keep the event loop alive on our account: if the host forgets stop(), it still
  // exits, and the exit handler or the watchdog ends the server.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  const serverPid = await waitForServerPid(
    () => tail,
    () => exited,
    name,
  ).catch((error: unknown) => {
    signalGroup(pgid, 'SIGKILL');
    owned.delete(running);
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: serverPid,
    output: () => tail,
    exited: exitedPromise,
    hasExited: () => exited,
    stop(graceMs = DEFAULT_GRACE_MS) {
      stopping ??= (async () => {
        signalGroup(pgid, 'SIGTERM');
        const deadline = Date.now() + graceMs;
        while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
        if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
        // SIGKILL cannot be refused; the bound only covers a zombie not yet reaped.
        const killDeadline = Date.now() + KILL_WAIT_MS;
        while (groupAlive(pgid) && Date.now() < killDeadline) await sleep(20);
        child.stdin?.destroy();
        owned.delete(running);
        if (owned.size === 0) removeExitHandlers();
      })();
      return stopping;
    },
  };
}

/** The watchdog prints the server's PID first thing; 2 s covers a loaded machine's fork. */
async function waitForServerPid(output: () => string, exited: () => boolean, name: string): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    const match = /remit-watchdog-pid (\d+)/.exec(output());
    if (match?.[1] !== undefined) return Number(match[1]);
    if (exited()) break;
    await sleep(10);
  }
  throw new Error(`local-servers: ${name} did not start:\n${output()}`);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  return isAlive(-pgid);
}

/** `pid` may be negative for a process group. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Exit handlers: kill what we own when the host process ends without calling stop().
// Installed only while we own something, so we never linger in a host's signal handling.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let handlersInstalled = false;

function killAllOwned(signal: NodeJS.Signals): void {
  for (const running of owned) signalGroup(running.pgid, signal);
}

function onExit(): void {
  killAllOwned('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  killAllOwned('SIGTERM');
  owned.clear();
  removeExitHandlers();
  // Without other listeners, Node would have died of this signal: keep that behaviour.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeExitHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * A port free on 127.0.0.1 right now. Another process may take it before the server binds,
 * so callers retry a failed start on a new port.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('local-servers: no port');
  return address.port;
}

/**
 * Polls `probe` until it resolves, the process exits, or `timeoutMs` passes.
 * The timeout is generous because the machine may be shared and busy (2 cores, Java start).
 */
export async function waitUntilReady(
  proc: OwnedProcess,
  probe: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc.hasExited()) {
      throw new Error(`local-servers: ${proc.name} exited during start:\n${proc.output()}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  await proc.stop();
  throw new Error(
    `local-servers: ${proc.name} did not answer within ${timeoutMs} ms (last error: ${String(lastError)}):\n${proc.output()}`,
    { cause: lastError },
  );
}
