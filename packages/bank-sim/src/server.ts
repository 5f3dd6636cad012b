/**
 * The HTTP face of bank-sim: node:http, no framework, 127.0.0.1 only. Order of checks per call:
 *
 *   read body (bounded) -> route -> source-IP allow-list (O0002) -> bearer token (O0001)
 *   -> validate (A0003) -> latency -> faults that strike before the bank -> maintenance (A0005)
 *   -> the bank (book / answer) -> faults that strike after the bank -> answer
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  DEFAULT_MAINTENANCE_WINDOW,
  type Envelope,
  type InstantMs,
  inquiryRequestSchema,
  isInMaintenance,
  MAX_PAGE_RECORDS,
  type MaintenanceWindow,
  noticeListQuerySchema,
  OPEN_BANKING_PATHS,
  RSP_CODE,
  sourceIpRefusedMessage,
  type TokenResponse,
  tokenRequestSchema,
  transactionListQuerySchema,
  transferRequestSchema,
} from '@remit/core';
import type { z } from 'zod';
import { compileAllowList, normalizeAddress } from './address.js';
import { type Answer, Bank } from './bank.js';
import { seededRandom } from './prng.js';
import type {
  BankSim,
  BankSimControls,
  BankSimLedger,
  BankSimOptions,
  CallRecord,
  Fault,
  FaultEndpoint,
  FaultKind,
  RandomFaults,
} from './types.js';

type Endpoint = Exclude<FaultEndpoint, 'any'>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DEFAULT_ACCESS_TOKEN = 'bank-sim-access-token';
const DEFAULT_CLIENT_ID = 'bank-sim-client';
const DEFAULT_CLIENT_SECRET = 'bank-sim-secret';
/** Longer than any sane client timeout, short enough that a forgotten hold does not pin a test run. */
const DEFAULT_HOLD_MS = 60_000;
const DEFAULT_PAGE_SIZE = 25;
/** The largest legal body is well under 2 KiB; 64 KiB leaves room and still bounds memory. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** Calls kept for `ledger.calls()`: enough for a benchmark run, bounded for a long-lived CLI. */
const MAX_CALL_RECORDS = 100_000;
/** Token lifetime the real center gives (90 days), in seconds. */
const TOKEN_TTL_SEC = 90 * 24 * 60 * 60;

/** Fixed draw order, so a seed replays the same faults whatever order `rates` was written in. */
const RANDOM_FAULT_ORDER = [
  'timeout_after_executing',
  'drop_after_executing',
  'timeout_without_executing',
  'server_error',
  'processing',
  'reset',
  'maintenance',
] as const satisfies readonly Exclude<FaultKind, 'latency'>[];

const ROUTES: Record<string, Endpoint> = {
  [`POST ${OPEN_BANKING_PATHS.token}`]: 'token',
  [`POST ${OPEN_BANKING_PATHS.transfer}`]: 'transfer',
  [`POST ${OPEN_BANKING_PATHS.inquiry}`]: 'inquiry',
  [`GET ${OPEN_BANKING_PATHS.transactions}`]: 'transactions',
  [`GET ${OPEN_BANKING_PATHS.notices}`]: 'notices',
};

function checkPageSize(rows: number): number {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_PAGE_RECORDS) {
    throw new Error(`bank-sim: page size must be 1..${MAX_PAGE_RECORDS}, got ${rows}`);
  }
  return rows;
}

function checkRandomFaults(config: RandomFaults): void {
  let sum = 0;
  for (const [kind, rate] of Object.entries(config.rates)) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new Error(`bank-sim: fault rate for ${kind} must be in [0, 1], got ${rate}`);
    }
    sum += rate;
  }
  if (sum > 1 + 1e-9) throw new Error(`bank-sim: fault rates add up to ${sum} > 1`);
}

function issuesOf(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Start a bank-sim on 127.0.0.1.
 *
 * @example
 * ```ts
 * const sim = await startBankSim({ allow: ['127.0.0.1'], clock: () => Date.UTC(2026, 10, 28, 1) });
 * const res = await fetch(`${sim.url}/v2.0/transfer/deposit`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${sim.accessToken}`, 'content-type': 'application/json' },
 *   body: JSON.stringify(transferBody),
 * });
 * sim.ledger.executed().length; // 1
 * await sim.stop();
 * ```
 */
export async function startBankSim(options: BankSimOptions = {}): Promise<BankSim> {
  // ------------------------------------------------------------------------ mutable knobs
  const baseClock = options.clock ?? Date.now;
  let frozenAt: InstantMs | undefined;
  let offsetMs = 0;
  const now = (): InstantMs => Math.floor(frozenAt !== undefined ? frozenAt : baseClock() + offsetMs);

  let allowed = compileAllowList(options.allow ?? ['127.0.0.1']);
  let accessToken = options.accessToken ?? DEFAULT_ACCESS_TOKEN;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  let maintenanceWindow: MaintenanceWindow | null =
    options.maintenance === undefined ? DEFAULT_MAINTENANCE_WINDOW : options.maintenance;
  let forcedMaintenance: boolean | undefined;
  let pageSize = checkPageSize(options.pageSize ?? DEFAULT_PAGE_SIZE);
  const baseLatencyMs = options.latencyMs ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const queued = new Map<FaultEndpoint, Fault[]>();
  let random: { config: RandomFaults; next: () => number } | undefined;
  const setRandom = (config: RandomFaults | undefined) => {
    if (config !== undefined) checkRandomFaults(config);
    random = config === undefined ? undefined : { config, next: seededRandom(config.seed) };
  };
  setRandom(options.randomFaults);

  const bankConfig = {
    now,
    pageSize: () => pageSize,
    nameBudgetBytes: options.nameBudgetBytes ?? 12,
    ...(options.perTransferLimitKrw === undefined
      ? {}
      : { perTransferLimitKrw: options.perTransferLimitKrw }),
    ...(options.institutionCode === undefined ? {} : { institutionCode: options.institutionCode }),
  };
  let bank = new Bank(bankConfig);
  let calls: CallRecord[] = [];
  let callSeq = 0;

  const held = new Set<{ timer: NodeJS.Timeout; release: () => void }>();
  const sockets = new Set<Socket>();

  // ------------------------------------------------------------------------------ faults

  function takeFault(endpoint: Endpoint): { fault?: Fault; extraLatencyMs: number } {
    for (const key of [endpoint, 'any'] as const) {
      const q = queued.get(key);
      const f = q?.shift();
      if (f !== undefined) return { fault: f, extraLatencyMs: 0 };
    }
    if (random === undefined) return { extraLatencyMs: 0 };
    const { config, next } = random;
    if (!(config.endpoints ?? ['transfer']).includes(endpoint)) return { extraLatencyMs: 0 };
    const lat = config.latencyMs;
    const extraLatencyMs = lat === undefined ? 0 : lat.min + Math.floor(next() * (lat.max - lat.min + 1));
    let r = next();
    for (const kind of RANDOM_FAULT_ORDER) {
      const rate = config.rates[kind] ?? 0;
      if (r < rate) {
        const holdMs = config.holdMs ?? DEFAULT_HOLD_MS;
        const fault: Fault =
          kind === 'timeout_after_executing' || kind === 'timeout_without_executing'
            ? { kind, holdMs }
            : kind === 'processing'
              ? { kind, settleAfterInquiries: config.settleAfterInquiries ?? 0 }
              : { kind };
        return { fault, extraLatencyMs };
      }
      r -= rate;
    }
    return { extraLatencyMs };
  }

  // ------------------------------------------------------------------------------- wire

  function send(res: ServerResponse, record: Mutable<CallRecord>, answer: Answer<object>): void {
    if (res.destroyed || res.writableEnded) return;
    const body = answer.body as Partial<Envelope> & { bank_rsp_code?: string };
    record.status = answer.status;
    if (body.rsp_code !== undefined) record.rspCode = body.rsp_code;
    if (body.bank_rsp_code !== undefined) record.bankRspCode = body.bank_rsp_code;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function serverError(res: ServerResponse, record: Mutable<CallRecord>, status: number): void {
    if (res.destroyed || res.writableEnded) return;
    record.status = status;
    // Not a protocol body on purpose: a gateway in front of the provider answers HTML.
    const text = `<html><body><h1>${status}</h1>bank-sim injected fault</body></html>`;
    res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function hold(res: ServerResponse, ms: number, release: () => void): void {
    const entry = {
      timer: setTimeout(() => {
        held.delete(entry);
        release();
      }, ms),
      release: () => {
        clearTimeout(entry.timer);
        held.delete(entry);
        release();
      },
    };
    entry.timer.unref();
    held.add(entry);
    res.on('close', () => {
      clearTimeout(entry.timer);
      held.delete(entry);
    });
  }

  /** Apply the part of a fault that comes after the bank ran (or instead of answering). */
  function deliver(
    res: ServerResponse,
    record: Mutable<CallRecord>,
    fault: Fault | undefined,
    answer: Answer<object>,
  ) {
    switch (fault?.kind) {
      case 'timeout_after_executing':
        hold(res, fault.holdMs ?? DEFAULT_HOLD_MS, () => send(res, record, answer));
        return;
      case 'drop_after_executing':
        res.socket?.destroy();
        return;
      case 'server_error':
        serverError(res, record, fault.status ?? 500);
        return;
      case 'reset':
        res.socket?.resetAndDestroy();
        return;
      default:
        send(res, record, answer);
    }
  }

  function envelopeAnswer(status: number, rspCode: string, message?: string): Answer<Envelope> {
    return { status, body: bank.envelope(rspCode, message) };
  }

  async function readBody(req: IncomingMessage): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) return undefined;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function parseBody(text: string, contentType: string | undefined): unknown {
    if (contentType?.includes('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(text));
    }
    return JSON.parse(text);
  }

  // ----------------------------------------------------------------------------- handler

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sourceAddress = normalizeAddress(req.socket.remoteAddress);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const endpoint = ROUTES[`${method} ${url.pathname}`];
    callSeq += 1;
    const record: Mutable<CallRecord> = {
      seq: callSeq,
      at: now(),
      method,
      path: url.pathname,
      endpoint: endpoint ?? 'unknown',
      sourceAddress,
    };
    calls.push(record);
    if (options.onCall !== undefined) {
      const onCall = options.onCall;
      res.once('close', () => onCall({ ...record }));
    }
    if (calls.length > 2 * MAX_CALL_RECORDS) calls = calls.slice(-MAX_CALL_RECORDS);

    const text = await readBody(req);
    if (text === undefined) {
      send(res, record, envelopeAnswer(413, RSP_CODE.BadRequest, '요청 전문 오류: body too large'));
      req.socket.destroy();
      return;
    }
    if (endpoint === undefined) {
      send(
        res,
        record,
        envelopeAnswer(
          404,
          RSP_CODE.BadRequest,
          `요청 전문 오류: no such endpoint ${method} ${url.pathname}`,
        ),
      );
      return;
    }
    if (!allowed(sourceAddress)) {
      send(res, record, envelopeAnswer(403, RSP_CODE.SourceIpRefused, sourceIpRefusedMessage(sourceAddress)));
      return;
    }

    let input: unknown;
    try {
      input =
        method === 'GET'
          ? Object.fromEntries(url.searchParams)
          : parseBody(text, req.headers['content-type']);
    } catch {
      send(res, record, envelopeAnswer(400, RSP_CODE.BadRequest, '요청 전문 오류: body is not valid JSON'));
      return;
    }

    if (endpoint === 'token') {
      const parsed = tokenRequestSchema.safeParse(input);
      if (!parsed.success) {
        send(
          res,
          record,
          envelopeAnswer(400, RSP_CODE.BadRequest, `요청 전문 오류: ${issuesOf(parsed.error)}`),
        );
        return;
      }
      if (parsed.data.client_id !== clientId || parsed.data.client_secret !== clientSecret) {
        send(
          res,
          record,
          envelopeAnswer(401, RSP_CODE.BadCredentials, '인증 실패: unknown client credentials'),
        );
        return;
      }
    } else {
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${accessToken}`) {
        const why = auth === undefined ? 'no Authorization header' : 'access token not recognised';
        send(res, record, envelopeAnswer(401, RSP_CODE.BadCredentials, `인증 실패: ${why}`));
        return;
      }
    }

    const schema = {
      token: tokenRequestSchema,
      transfer: transferRequestSchema,
      inquiry: inquiryRequestSchema,
      transactions: transactionListQuerySchema,
      notices: noticeListQuerySchema,
    }[endpoint];
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      send(
        res,
        record,
        envelopeAnswer(400, RSP_CODE.BadRequest, `요청 전문 오류: ${issuesOf(parsed.error)}`),
      );
      return;
    }
    if (endpoint === 'transfer') {
      const t = parsed.data as z.infer<typeof transferRequestSchema>;
      record.bankTranId = t.bank_tran_id;
    } else if (endpoint === 'inquiry') {
      record.bankTranId = (parsed.data as z.infer<typeof inquiryRequestSchema>).org_bank_tran_id;
    }

    const { fault, extraLatencyMs } = takeFault(endpoint);
    if (fault !== undefined) record.fault = fault.kind;
    const latencyMs = baseLatencyMs + extraLatencyMs + (fault?.kind === 'latency' ? fault.ms : 0);
    if (latencyMs > 0) await sleep(latencyMs);
    if (res.destroyed) return;

    // Faults that strike before the bank sees the call: nothing executes.
    if (fault?.kind === 'timeout_without_executing') {
      hold(res, fault.holdMs ?? DEFAULT_HOLD_MS, () => res.socket?.destroy());
      return;
    }
    if (fault?.kind === 'reset' && fault.executed !== true) {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'server_error' && fault.executed !== true) {
      serverError(res, record, fault.status ?? 500);
      return;
    }
    if (fault?.kind === 'maintenance') {
      send(res, record, envelopeAnswer(200, RSP_CODE.Maintenance));
      return;
    }

    switch (endpoint) {
      case 'token': {
        const body: TokenResponse & Envelope = {
          ...bank.envelope(RSP_CODE.Ok),
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: TOKEN_TTL_SEC,
          scope: 'oob',
        };
        deliver(res, record, fault, { status: 200, body });
        return;
      }
      case 'transfer': {
        const inMaintenance =
          forcedMaintenance ?? (maintenanceWindow !== null && isInMaintenance(now(), maintenanceWindow));
        if (inMaintenance) {
          deliver(res, record, fault, envelopeAnswer(200, RSP_CODE.Maintenance));
          return;
        }
        const processing =
          fault?.kind === 'processing'
            ? {
                ...(fault.settleAfterMs === undefined ? {} : { settleAfterMs: fault.settleAfterMs }),
                ...(fault.settleAfterInquiries === undefined
                  ? {}
                  : { settleAfterInquiries: fault.settleAfterInquiries }),
                ...(fault.outcome === undefined ? {} : { outcome: fault.outcome }),
              }
            : undefined;
        const { answer } = bank.transfer(
          parsed.data as z.infer<typeof transferRequestSchema>,
          sourceAddress,
          processing,
        );
        deliver(res, record, fault, answer);
        return;
      }
      case 'inquiry':
      case 'transactions':
      case 'notices': {
        if (fault?.kind === 'processing') {
          deliver(res, record, undefined, envelopeAnswer(200, RSP_CODE.Processing));
          return;
        }
        const answer =
          endpoint === 'inquiry'
            ? bank.inquire(parsed.data as z.infer<typeof inquiryRequestSchema>)
            : endpoint === 'transactions'
              ? bank.listTransactions(parsed.data as z.infer<typeof transactionListQuerySchema>)
              : bank.listNotices(parsed.data as z.infer<typeof noticeListQuerySchema>);
        deliver(res, record, fault, answer);
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------ server

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        const text = JSON.stringify({ error: String(err) });
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(text);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // 127.0.0.1 only: the sim never answers anything but this machine.
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bank-sim: no TCP address');
  const port = address.port;

  // ------------------------------------------------------------------------- handles

  const ledger: BankSimLedger = {
    entries: () => bank.entries(),
    executed: () => bank.entries().filter((e) => e.status !== 'processing'),
    find: (bankTranId, businessDate) =>
      bank
        .entries()
        .filter(
          (e) =>
            e.bankTranId === bankTranId && (businessDate === undefined || e.businessDate === businessDate),
        )
        .at(-1),
    rejections: () => bank.rejections(),
    calls: () => calls.map((c) => ({ ...c })),
  };

  const controls: BankSimControls = {
    now,
    setNow(instantMs) {
      frozenAt = instantMs;
      if (instantMs === undefined) offsetMs = 0;
    },
    advance(ms) {
      if (frozenAt !== undefined) frozenAt += ms;
      else offsetMs += ms;
    },
    setMaintenanceWindow(window) {
      maintenanceWindow = window;
    },
    forceMaintenance(on) {
      forcedMaintenance = on;
    },
    setAllowList(allow) {
      allowed = compileAllowList(allow);
    },
    setAccessToken(token) {
      accessToken = token;
    },
    rejectAccount(accountNum, reason, opts) {
      bank.rejectAccount(accountNum, reason, opts?.times);
    },
    rejectNextTransfer(reason) {
      bank.rejectNextTransfer(reason);
    },
    clearRejections() {
      bank.clearRejections();
    },
    injectFault(fault, opts) {
      const key = opts?.endpoint ?? 'transfer';
      const times = opts?.times ?? 1;
      const q = queued.get(key) ?? [];
      for (let i = 0; i < times; i += 1) q.push(fault);
      queued.set(key, q);
    },
    setRandomFaults: setRandom,
    clearFaults() {
      queued.clear();
      random = undefined;
    },
    releaseHeld() {
      for (const h of [...held]) h.release();
    },
    addDeposit: (input) => bank.addDeposit(input),
    addCancellation: (input) => bank.addCancellation(input),
    addWithdrawal: (input) => bank.addWithdrawal(input),
    setPageSize(rows) {
      pageSize = checkPageSize(rows);
    },
    reverse: (bankTranId, reason, opts) => bank.reverse(bankTranId, reason, opts),
    settleProcessing: (bankTranId, outcome) => bank.settleProcessing(bankTranId, outcome),
    reset() {
      bank = new Bank(bankConfig);
      calls = [];
      queued.clear();
      setRandom(options.randomFaults);
    },
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      for (const h of held) clearTimeout(h.timer);
      held.clear();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
    return stopped;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get accessToken() {
      return accessToken;
    },
    ledger,
    controls,
    stop,
  };
}
