// Lambda entry: `ingest`. The Reflect metadata polyfill must load before tsyringe (its decorators
// use it): @abraham/reflection, reflect-metadata's API at a tenth of the size.
import '@abraham/reflection';
import { createIngestContainer } from '../composition.js';
import { loadAwsConfig } from '../config.js';
import { IngestHandler } from './ingest-handler.js';

/** Built at init: configuration parsed, clients created, reused by every invocation. */
export const handler = createIngestContainer(loadAwsConfig()).resolve(IngestHandler).handle;
