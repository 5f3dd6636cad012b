import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler.js';

describe('Scheduler', () => {
  it('runs one worker at a time, slice by slice, each to its next yield point', async () => {
    const sched = new Scheduler();
    const log: string[] = [];
    const worker = (name: string) => async () => {
      log.push(`${name}:1`);
      await sched.yieldPoint(`${name}.a`);
      log.push(`${name}:2`);
      await sched.yieldPoint(`${name}.b`);
      log.push(`${name}:3`);
    };
    const a = sched.spawn('a', 'remit', worker('a'));
    const b = sched.spawn('b', 'remit', worker('b'));
    await sched.runSlice(a);
    expect(log).toEqual(['a:1']);
    expect(a.at).toBe('a.a');
    await sched.runSlice(b);
    await sched.runSlice(b);
    await sched.runSlice(a);
    expect(log).toEqual(['a:1', 'b:1', 'b:2', 'a:2']);
    await sched.runSlice(b);
    expect(b.state).toBe('done');
    expect(sched.ready()).toEqual([a]);
  });

  it('a crashed worker never runs another instruction', async () => {
    const sched = new Scheduler();
    let after = false;
    const t = sched.spawn('t', 'remit', async () => {
      await sched.yieldPoint('gateway.transfer:done');
      after = true;
    });
    await sched.runSlice(t);
    sched.crash(t);
    expect(t.state).toBe('crashed');
    expect(sched.ready()).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(after).toBe(false);
    expect(() => sched.crash(t)).toThrow(/only a parked task/);
  });

  it('reports workers that threw', async () => {
    const sched = new Scheduler();
    const t = sched.spawn('t', 'ingest', async () => {
      throw new TypeError('boom');
    });
    await sched.runSlice(t);
    const failed = sched.takeFailures();
    expect(failed.map((f) => f.name)).toEqual(['t']);
    expect(String(failed[0]?.error)).toContain('boom');
    expect(sched.takeFailures()).toEqual([]);
  });
});
