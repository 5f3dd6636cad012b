// @remit/adapters-aws/local-servers: real local servers for integration tests, the demo and
// benchmarks. Test files get the endpoints started by the vitest global setup through
// `localEnv()` from `@remit/adapters-aws/local-servers/vitest`.
export {
  createDynamoDbClient,
  createRedisClient,
  createSqsClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalClientOptions,
} from './clients.js';
export {
  type DynamoDbLocal,
  dynamoDbLocalDir,
  JAVA_MISSING_MESSAGE,
  type StartDynamoDbOptions,
  startDynamoDbLocal,
} from './dynamodb.js';
export { uniqueName } from './names.js';
export { type LocalRedis, REDIS_MISSING_MESSAGE, type StartRedisOptions, startRedis } from './redis.js';
export { type SmokeResult, smokeLocalServers } from './smoke.js';
export { type Fauxqs, startFauxqs } from './sqs.js';
export {
  type LocalEnv,
  type LocalServerPids,
  type LocalServers,
  type StartLocalServersOptions,
  startLocalServers,
} from './start.js';
