/**
 * English messages for `zod/mini` schemas ("Too small: expected string to have >=1 characters").
 * Classic zod loads this locale when its first schema is built; mini loads none and would say
 * "Invalid input" for every check without a message of its own. Imported by every core module
 * that defines schemas; a locale configured earlier (by an app, or classic zod) is kept.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

if (z.config().localeError === undefined) z.config(en());
