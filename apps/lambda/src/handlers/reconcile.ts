// Lambda entry: `reconcile`. reflect-metadata must load before tsyringe (decorators read it).
import 'reflect-metadata';
import { awsContainer } from '../composition.js';
import { ReconcileHandler } from './reconcile-handler.js';

/** Built at init: configuration parsed, clients created, reused by every invocation. */
export const handler = awsContainer().resolve(ReconcileHandler).handle;
