// The process's own signal watch and clock (src/programs/index.ts): a caught
// SIGINT or SIGTERM (emitted here as node emits one it receives) is named
// and aborts `caught`, which ends a wait given it at once. apply.test.ts
// drives the same through the whole program.
import { getEventListeners } from 'events';
import { processClock, watchSignals } from '../../src/programs';

test('the first signal caught is named and aborts `caught`; stop() lets signals go', () => {
  const before = process.listenerCount('SIGTERM');
  const watch = watchSignals();
  expect(process.listenerCount('SIGTERM')).toBe(before + 1);
  expect(watch.received()).toBeUndefined();
  expect(watch.caught.aborted).toBe(false);
  process.emit('SIGTERM', 'SIGTERM');
  process.emit('SIGINT', 'SIGINT');
  expect(watch.received()).toBe('SIGTERM');
  expect(watch.caught.aborted).toBe(true);
  watch.stop();
  expect(process.listenerCount('SIGTERM')).toBe(before);
  expect(process.listenerCount('SIGINT')).toBe(0);
});

test('a wait given `caught` ends when a signal comes, not when its time is up', async () => {
  const watch = watchSignals();
  try {
    const started = Date.now();
    const waited = processClock.sleep(60_000, watch.caught);
    setTimeout(() => process.emit('SIGINT', 'SIGINT'), 20);
    await waited;
    expect(Date.now() - started).toBeLessThan(5_000);
    // Already aborted: the next wait does not begin.
    await processClock.sleep(60_000, watch.caught);
  } finally {
    watch.stop();
  }
});

test('a wait that runs its time leaves no listener on the signal', async () => {
  const controller = new AbortController();
  await processClock.sleep(1, controller.signal);
  await processClock.sleep(1, controller.signal);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});
