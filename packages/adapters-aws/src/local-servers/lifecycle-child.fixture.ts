// Started by lifecycle.int.test.ts in its own process: starts servers, prints their PIDs,
// then ends the way argv[2] says, so the test can check nothing outlives it.
import { startLocalServers } from './start.js';

const [how = 'wait', which = 'redis'] = process.argv.slice(2);
const servers = await startLocalServers({
  dynamodb: which.includes('dynamodb'),
  sqs: false,
  redis: which.includes('redis') ? { url: undefined, reuseDefault: false } : false,
});
process.stdout.write(`${JSON.stringify(servers.pids)}\n`);

switch (how) {
  case 'exit': // forgets stop(): the exit handler must clean up
    break;
  case 'throw':
    throw new Error('crash on purpose');
  default: // 'wait': the test signals us
    setInterval(() => {}, 1_000);
}
