/**
 * The wire schema of the payout message (SQS body). Parsed at the edge with zod; a body that fails
 * is recorded for review and acknowledged, never retried forever.
 */
import { z } from 'zod';
import { invalidInput } from './errors.js';
import {
  fingerprint,
  parseAccountId,
  parseDepositId,
  parseOrderId,
  parseRemittanceId,
  parseSellerId,
  remittanceIdFor,
} from './ids.js';
import { parseKrw } from './money.js';
import type { RemittanceMessage } from './types.js';

const tryParse =
  <T>(parse: (v: unknown) => T) =>
  (v: unknown, ctx: z.RefinementCtx): T => {
    try {
      return parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  };

const krw = z.number().transform(tryParse((v) => parseKrw(v)));

const payeeSchema = z.object({
  bankCode: z.string().regex(/^\d{3}$/, 'bankCode must be 3 digits'),
  accountNumber: z.string().regex(/^[0-9-]{6,20}$/, 'accountNumber must be 6-20 digits or dashes'),
  holderName: z.string().min(1).max(50),
});

/**
 * zod schema of {@link RemittanceMessage}; checks the money adds up.
 *
 * @example
 * ```ts
 * const parsed = remittanceMessageSchema.safeParse(JSON.parse(record.body));
 * ```
 */
export const remittanceMessageSchema = z
  .object({
    v: z.literal(1),
    remittanceId: z.string().transform(tryParse(parseRemittanceId)),
    orderId: z.string().transform(tryParse(parseOrderId)),
    sellerId: z.string().transform(tryParse(parseSellerId)),
    depositId: z.string().transform(tryParse(parseDepositId)),
    accountId: z.string().transform(tryParse(parseAccountId)),
    payee: payeeSchema,
    depositKrw: krw,
    orderAmountKrw: krw,
    feeKrw: krw,
    payoutKrw: krw,
    excessKrw: krw,
    matchedAt: z.number().int().nonnegative(),
  })
  .superRefine((m, ctx) => {
    if (m.remittanceId !== remittanceIdFor(m.orderId)) {
      ctx.addIssue({ code: 'custom', message: 'remittanceId is not derived from orderId' });
    }
    if (m.payoutKrw + m.feeKrw !== m.orderAmountKrw) {
      ctx.addIssue({ code: 'custom', message: 'payoutKrw + feeKrw must equal orderAmountKrw' });
    }
    if (m.depositKrw !== m.orderAmountKrw + m.excessKrw) {
      ctx.addIssue({ code: 'custom', message: 'depositKrw must equal orderAmountKrw + excessKrw' });
    }
  }) as unknown as z.ZodType<RemittanceMessage>;

/**
 * Parse a message body (JSON text or object); throws `INVALID_INPUT` listing every problem.
 *
 * @example
 * ```ts
 * const message = parseRemittanceMessage(record.body);
 * ```
 */
export function parseRemittanceMessage(body: unknown): RemittanceMessage {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw invalidInput('message body is not JSON');
    }
  }
  const result = remittanceMessageSchema.safeParse(value);
  if (!result.success) {
    throw invalidInput(
      `invalid remittance message: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

/**
 * The idempotency payload hash of a message: same payout instruction, same hash.
 *
 * @example
 * ```ts
 * const hash = payloadHashOf(message);
 * ```
 */
export function payloadHashOf(m: RemittanceMessage): string {
  return fingerprint([
    m.remittanceId,
    m.orderId,
    m.sellerId,
    m.depositId,
    m.accountId,
    m.payee.bankCode,
    m.payee.accountNumber,
    m.payee.holderName,
    m.depositKrw,
    m.orderAmountKrw,
    m.feeKrw,
    m.payoutKrw,
    m.excessKrw,
  ]);
}
