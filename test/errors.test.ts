import { describe, expect, it } from 'vitest';
import { ErrorCode, fromSerialized, InputError, OptionsError, WorkerLostError, NeuromeshError } from '../src/errors.js';

describe('errors', () => {
  it('InputError names file, line and field in one line', () => {
    const error = new InputError(ErrorCode.INPUT_SYNTAX, 'not a number: "x1"', { file: 'g.el', line: 12, field: 'dst' });
    expect(error.message).toBe('g.el:line 12, field dst: not a number: "x1"');
    expect(error.message).not.toContain('\n');
    expect(error).toBeInstanceOf(NeuromeshError);
    expect([error.file, error.line, error.field]).toEqual(['g.el', 12, 'dst']);
  });

  it('OptionsError names the option and the rule', () => {
    const error = new OptionsError('workers', 'must be a positive integer', 0);
    expect(error.message).toBe('workers must be a positive integer, got 0');
    expect(error.code).toBe(ErrorCode.OPTION);
  });

  it('survives structured clone across a worker boundary as a plain object', () => {
    const original = new InputError(ErrorCode.INPUT_RANGE, 'id too large', { file: 'a.mtx', line: 3, field: 'row' });
    const rebuilt = fromSerialized(structuredClone(original.toJSON()));
    expect(rebuilt).toBeInstanceOf(InputError);
    expect(rebuilt.code).toBe(ErrorCode.INPUT_RANGE);
    expect((rebuilt as InputError).line).toBe(3);
    expect(rebuilt.message).toBe(original.message);
    const lost = fromSerialized(structuredClone(new WorkerLostError(ErrorCode.WORKER_LOST, 'worker 2 exited', { worker: 2 }).toJSON()));
    expect(lost).toBeInstanceOf(WorkerLostError);
    expect(lost.details.worker).toBe(2);
  });
});
