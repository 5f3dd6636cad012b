// Lambda entry: `remit`. reflect-metadata must load before tsyringe (decorators read it).
import 'reflect-metadata';
import { awsContainer } from '../composition.js';
import { RemitHandler } from './remit-handler.js';

/** Built at init: configuration parsed, clients created, reused by every invocation. */
export const handler = awsContainer().resolve(RemitHandler).handle;
