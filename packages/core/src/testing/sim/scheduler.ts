/**
 * A cooperative scheduler for simulated workers. Exactly one worker runs at a time; a worker runs
 * until it reaches a yield point (every port call, before and after), then the simulation decides
 * what happens next: resume this worker or another one, advance the clock, or crash a worker.
 *
 *   worker A  ──run──▶ [store.claim:before] ····parked····  ──run──▶ [store.claim:after] ···
 *   worker B              ──run──▶ [gateway.transfer:before] ···parked···
 *                        ▲ the seeded PRNG picks who runs next at every ▲
 *
 * A crash is a worker that is never resumed: none of its code runs again, exactly like a process
 * killed between two instructions. Its promise is simply abandoned.
 */

/** What a simulated worker is. */
export const WorkerRole = {
  Remit: 'remit',
  Ingest: 'ingest',
  Reconcile: 'reconcile',
  MainServer: 'main',
} as const;
export type WorkerRole = (typeof WorkerRole)[keyof typeof WorkerRole];

export type TaskState = 'ready' | 'running' | 'done' | 'crashed' | 'failed';

/** One simulated worker. */
export interface SimTask {
  readonly id: number;
  readonly name: string;
  readonly role: WorkerRole;
  state: TaskState;
  /** The yield point it is parked at (`store.claim:before`), or `start`. */
  at: string;
  /** Yield points passed so far. */
  steps: number;
  /** Set when the body threw: a bug surfaced to the auditor. */
  error?: unknown;
}

interface TaskSlot {
  readonly task: SimTask;
  resume: (() => void) | undefined;
}

/**
 * Runs simulated workers one slice at a time.
 *
 * @example
 * ```ts
 * const sched = new Scheduler();
 * sched.spawn('remit#1', 'remit', async () => { await sched.yieldPoint('store.claim:before'); });
 * while (sched.ready().length > 0) await sched.runSlice(sched.ready()[0]!);
 * ```
 */
export class Scheduler {
  readonly #slots = new Map<number, TaskSlot>();
  #nextId = 1;
  #current: TaskSlot | undefined;
  #parked: (() => void) | undefined;

  /** The worker whose code is running now (undefined between slices). */
  get current(): SimTask | undefined {
    return this.#current?.task;
  }

  /** Register a worker; it starts at the next slice the simulation gives it. */
  spawn(name: string, role: WorkerRole, body: () => Promise<void>): SimTask {
    const task: SimTask = { id: this.#nextId++, name, role, state: 'ready', at: 'start', steps: 0 };
    const slot: TaskSlot = { task, resume: undefined };
    slot.resume = () => {
      body().then(
        () => this.#finish(slot, 'done'),
        (err: unknown) => {
          slot.task.error = err;
          this.#finish(slot, 'failed');
        },
      );
    };
    this.#slots.set(task.id, slot);
    return task;
  }

  /**
   * Park the running worker here until the simulation resumes it (or never, if it crashes).
   * Called by the port wrappers; outside a slice it is a no-op (the auditor's own reads).
   */
  yieldPoint(label: string): Promise<void> {
    const slot = this.#current;
    if (slot === undefined) return Promise.resolve();
    slot.task.at = label;
    slot.task.steps++;
    slot.task.state = 'ready';
    return new Promise<void>((resolve) => {
      slot.resume = resolve;
      this.#endSlice();
    });
  }

  /** Workers waiting for a slice, oldest first (a stable order the PRNG picks from). */
  ready(): SimTask[] {
    const out: SimTask[] = [];
    for (const slot of this.#slots.values()) if (slot.task.state === 'ready') out.push(slot.task);
    return out;
  }

  /** Workers of a role that are alive (ready or running). */
  alive(role?: WorkerRole): SimTask[] {
    const out: SimTask[] = [];
    for (const slot of this.#slots.values()) {
      const { task } = slot;
      if ((task.state === 'ready' || task.state === 'running') && (role === undefined || task.role === role))
        out.push(task);
    }
    return out;
  }

  /** Run one worker until its next yield point or its end. */
  async runSlice(task: SimTask): Promise<void> {
    const slot = this.#slots.get(task.id);
    if (slot === undefined || task.state !== 'ready' || slot.resume === undefined) {
      throw new Error(`assertion failed: task ${task.name} is not ready (${task.state})`);
    }
    if (this.#current !== undefined) throw new Error('assertion failed: a slice is already running');
    const resume = slot.resume;
    slot.resume = undefined;
    task.state = 'running';
    this.#current = slot;
    const parked = new Promise<void>((resolve) => {
      this.#parked = resolve;
    });
    resume();
    await parked;
  }

  /** Kill a parked worker: it is never resumed, so nothing after its yield point ever runs. */
  crash(task: SimTask): void {
    const slot = this.#slots.get(task.id);
    if (slot === undefined || task.state !== 'ready') {
      throw new Error(`assertion failed: only a parked task can crash (${task.name} is ${task.state})`);
    }
    slot.resume = undefined;
    task.state = 'crashed';
    this.#slots.delete(task.id);
  }

  /** Workers that threw (bugs, or errors a use case let escape). Cleared by the read. */
  takeFailures(): SimTask[] {
    const out: SimTask[] = [];
    for (const [id, slot] of this.#slots) {
      if (slot.task.state === 'failed') {
        out.push(slot.task);
        this.#slots.delete(id);
      }
    }
    return out;
  }

  #finish(slot: TaskSlot, state: 'done' | 'failed'): void {
    slot.task.state = state;
    if (state === 'done') this.#slots.delete(slot.task.id);
    if (this.#current === slot) this.#endSlice();
  }

  #endSlice(): void {
    const parked = this.#parked;
    this.#current = undefined;
    this.#parked = undefined;
    parked?.();
  }
}
