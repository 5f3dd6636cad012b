import * as z from 'zod/mini';

/**
 * An EventBridge scheduled event, or an empty object from a manual invocation (console test,
 * `aws lambda invoke`). Only the fields that are logged are read.
 */
export const scheduleEventSchema = z.nullish(
  z.looseObject({
    id: z.optional(z.string()),
    'detail-type': z.optional(z.string()),
    time: z.optional(z.string()),
  }),
);

export type ScheduleEvent = z.infer<typeof scheduleEventSchema>;
