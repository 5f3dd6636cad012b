// Lambda entry: `reconcile`. The Reflect metadata polyfill must load before tsyringe (its decorators
// use it): @abraham/reflection, reflect-metadata's API at a tenth of the size.
import '@abraham/reflection';
import { createReconcileContainer } from '../composition.js';
import { loadAwsConfig } from '../config.js';
import { ReconcileHandler } from './reconcile-handler.js';

/** Built at init: configuration parsed, clients created, reused by every invocation. */
export const handler = createReconcileContainer(loadAwsConfig()).resolve(ReconcileHandler).handle;
