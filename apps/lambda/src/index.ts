/**
 * @remit/lambda: the Lambda handlers, their composition root and configuration. The deployable
 * entries are `src/handlers/{ingest,remit,reconcile}.ts`; this index is for code that composes
 * the handlers itself (tests, local runners).
 */
import '@abraham/reflection';

export {
  type AwsContainerOptions,
  createAwsContainer,
  createIngestContainer,
  createMemoryContainer,
  createReconcileContainer,
  createRemitContainer,
  disposeAwsContainer,
  type MemoryContainerOptions,
  type Ports,
} from './composition.js';
export {
  type AwsConfig,
  type Env,
  loadAwsConfig,
  parseAwsConfig,
  parseSettings,
  type Settings,
} from './config.js';
export { processFifoBatch } from './handlers/fifo-batch.js';
export { IngestHandler } from './handlers/ingest-handler.js';
export { ReconcileHandler } from './handlers/reconcile-handler.js';
export { RemitHandler } from './handlers/remit-handler.js';
export { maskAccountNumber, maskingReplacer, maskName, maskText } from './observability/mask.js';
export { MetricName, type MetricsSink, RecordingMetrics } from './observability/telemetry.js';
export { cachedSecrets, Secret, type SecretReader, staticSecrets } from './secrets.js';
export { type MessageVisibility, TOKENS } from './tokens.js';
