// zod schemas for every event a client may send. Anything that does not parse is refused
// with an `invalid` ack naming the field; nothing unparsed reaches the services.
import { z } from 'zod';

/** Occurrence and programme ids: "fairy-tales@2026-12-05T11:00". */
export const idSchema = z
  .string()
  .min(1)
  .max(160)
  .regex(/^[A-Za-z0-9_.:@+-]+$/, 'ids use letters, digits and _ . : @ + -');

const tag = z.string().min(1).max(40).regex(/^[\p{L}\p{N}_ -]+$/u, 'letters, digits, _ and - only');

export const subscribeSchema = z.strictObject({
  programmes: z.array(idSchema).max(50).optional(),
  categories: z.array(tag).max(20).optional(),
  audiences: z.array(tag).max(20).optional(),
});

export const chatJoinSchema = z.strictObject({ occurrenceId: idSchema, nickname: z.string().max(100) });
export const chatLeaveSchema = z.strictObject({ occurrenceId: idSchema });
/** The chat's own length limit (chat.maxLength) gives the friendly message; this stops abuse. */
export const chatSendSchema = z.strictObject({ occurrenceId: idSchema, text: z.string().max(5000) });

export const moderationActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('delete'), messageId: idSchema }),
  z.strictObject({ action: z.literal('timeout'), messageId: idSchema, minutes: z.number().int().min(1).max(1440) }),
  z.strictObject({
    action: z.literal('ban'),
    messageId: idSchema,
    scope: z.enum(['room', 'all']),
    // null = until lifted; a timed ban at most 30 days.
    minutes: z.number().int().min(1).max(43_200).nullable(),
    // An address ban silences everyone behind the address: always timed, at most a day.
    addressMinutes: z.number().int().min(1).max(1440).optional(),
  }),
  z.strictObject({ action: z.literal('unban'), sanctionId: z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]+$/) }),
  z.strictObject({ action: z.literal('slow'), occurrenceId: idSchema, seconds: z.number().int().min(0).max(600) }),
  z.strictObject({ action: z.literal('pin'), occurrenceId: idSchema, messageId: idSchema.nullable() }),
  z.strictObject({ action: z.literal('close'), occurrenceId: idSchema }),
  z.strictObject({ action: z.literal('open'), occurrenceId: idSchema }),
]);

export const historySchema = z.strictObject({ occurrenceId: idSchema });
export const auditSchema = z.strictObject({ limit: z.number().int().min(1).max(1000).optional() });


/** One line a person can act on: "text: Too big: expected string to have <=5000 characters". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ');
}
