import { z } from 'zod';

/**
 * An EventBridge scheduled event, or an empty object from a manual invocation (console test,
 * `aws lambda invoke`). Only the fields that are logged are read.
 */
export const scheduleEventSchema = z
  .looseObject({
    id: z.string().optional(),
    'detail-type': z.string().optional(),
    time: z.string().optional(),
  })
  .nullish();

export type ScheduleEvent = z.infer<typeof scheduleEventSchema>;
