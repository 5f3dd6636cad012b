// Lambda entry: `ingest`. reflect-metadata must load before tsyringe (decorators read it).
import 'reflect-metadata';
import { awsContainer } from '../composition.js';
import { IngestHandler } from './ingest-handler.js';

/** Built at init: configuration parsed, clients created, reused by every invocation. */
export const handler = awsContainer().resolve(IngestHandler).handle;
