import { EventEmitter } from 'node:events';
import { onStopSignal } from './stop-signals';

describe('onStopSignal', () => {
  it('stops once at the first SIGINT or SIGTERM, and reports every later one', () => {
    const target = new EventEmitter();
    const stops: string[] = [];
    const repeats: string[] = [];
    onStopSignal(
      (signal) => stops.push(signal),
      (signal) => repeats.push(signal),
      target as unknown as NodeJS.Process,
    );
    target.emit('SIGINT');
    target.emit('SIGINT');
    target.emit('SIGTERM');
    expect(stops).toEqual(['SIGINT']);
    expect(repeats).toEqual(['SIGINT', 'SIGTERM']);
  });

  it('stops at a SIGTERM alone', () => {
    const target = new EventEmitter();
    const stops: string[] = [];
    onStopSignal((signal) => stops.push(signal), undefined, target as unknown as NodeJS.Process);
    target.emit('SIGTERM');
    expect(stops).toEqual(['SIGTERM']);
  });
});
