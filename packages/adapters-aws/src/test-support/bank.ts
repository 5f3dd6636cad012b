// bank-sim wired as the contract suites' bank control, for the HTTP adapters' integration tests.
import { type BankSim, type BankSimOptions, type CallRecord, startBankSim } from '@remit/bank-sim';
import type { BankFault, TransferBankControl } from '@remit/core/testing';

export interface SimBank {
  readonly sim: BankSim;
  readonly control: TransferBankControl;
}

/**
 * Starts bank-sim on loopback (no maintenance window unless asked: tests run at any hour) and
 * maps the suites' fault vocabulary onto its knobs. A one-shot maintenance refusal is forced for
 * the next transfer call only, released by the sim's own call hook.
 */
export async function startSimBank(options: BankSimOptions = {}): Promise<SimBank> {
  let maintenanceForNextTransfer = false;
  let sim: BankSim | undefined;
  const onCall = (call: CallRecord) => {
    if (maintenanceForNextTransfer && call.endpoint === 'transfer') {
      maintenanceForNextTransfer = false;
      sim?.controls.forceMaintenance(undefined);
    }
    options.onCall?.(call);
  };
  sim = await startBankSim({ maintenance: null, ...options, onCall });
  const started = sim;
  const control: TransferBankControl = {
    async failNextTransfer(fault: BankFault) {
      switch (fault.kind) {
        case 'timeout':
          started.controls.injectFault({
            kind: fault.executed ? 'timeout_after_executing' : 'timeout_without_executing',
          });
          return;
        case 'server_error':
          started.controls.injectFault({ kind: 'server_error', status: 502, executed: fault.executed });
          return;
        case 'processing':
          // Settled only when the test says so.
          started.controls.injectFault({ kind: 'processing', settleAfterInquiries: 1_000_000 });
          return;
        case 'reject':
          if (fault.reason === 'other') throw new Error('bank-sim has no scripted "other" rejection');
          started.controls.rejectNextTransfer(fault.reason);
          return;
        case 'maintenance':
          maintenanceForNextTransfer = true;
          started.controls.forceMaintenance(true);
          return;
      }
    },
    async settle({ bankTranId, result }) {
      if (result !== 'succeeded') throw new Error('bank-sim settles processing transfers as executed');
      started.controls.settleProcessing(bankTranId);
    },
    async reverse({ bankTranId, businessDate, reason }) {
      started.controls.reverse(bankTranId, reason, { businessDate });
    },
    async executedCount({ bankTranId, businessDate }) {
      return started.ledger
        .executed()
        .filter((e) => e.bankTranId === bankTranId && e.businessDate === businessDate).length;
    },
  };
  return { sim: started, control };
}
