import { randomBytes } from 'node:crypto';

/**
 * A name no other test file or run will use: `<prefix>-<time>-<random>`, lowercase
 * `[a-z0-9-]`, valid as a DynamoDB table name, an SQS queue name (append `.fifo` for FIFO;
 * keep the prefix under 50 characters to stay inside SQS's 80) and a Redis key prefix.
 * The servers are shared by all test files running in parallel: isolate by name, never by
 * deleting everything.
 */
export function uniqueName(prefix: string): string {
  if (!/^[a-zA-Z0-9_-]{1,50}$/.test(prefix)) {
    throw new Error(`uniqueName: prefix must match [a-zA-Z0-9_-]{1,50}, got ${JSON.stringify(prefix)}`);
  }
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
