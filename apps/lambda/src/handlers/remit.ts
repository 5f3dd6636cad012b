// Lambda entry: `remit`. The Reflect metadata polyfill must load before tsyringe (its decorators
// use it): @abraham/reflection, reflect-metadata's API at a tenth of the size.
import '@abraham/reflection';
import { createRemitContainer } from '../composition.js';
import { loadAwsConfig } from '../config.js';
import { RemitHandler } from './remit-handler.js';

/** Built at init: configuration parsed, clients created, reused by every invocation. */
export const handler = createRemitContainer(loadAwsConfig()).resolve(RemitHandler).handle;
