import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';

export interface Fauxqs {
  /** `http://127.0.0.1:<port>`; always pass it to `SQSClient` explicitly (see `createSqsClient`). */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs, an SQS-compatible server, inside this process on a free loopback port
 * (~150 ms). In-process means it cannot outlive us.
 */
export async function startFauxqs(): Promise<Fauxqs> {
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => {
      stopping ??= app.close().then(() => undefined);
      return stopping;
    },
  };
}
