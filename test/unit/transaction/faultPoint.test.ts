import { describe, expect, it } from 'vitest';
import { InjectedFault } from '../../../src/errors.js';
import { FAULT_STEPS, faultPoint } from '../../../src/transaction/faultPoint.js';

describe('faultPoint', () => {
  it('does nothing unless TU_FAULT names this step', () => {
    expect(() => faultPoint('seal', {})).not.toThrow();
    expect(() => faultPoint('seal', { TU_FAULT: '' })).not.toThrow();
    expect(() => faultPoint('seal', { TU_FAULT: 'clone:throw' })).not.toThrow();
  });

  it('throws an InjectedFault naming the step', () => {
    expect(() => faultPoint('manifest-json', { TU_FAULT: 'manifest-json:throw' })).toThrow(InjectedFault);
    expect(() => faultPoint('manifest-json', { TU_FAULT: 'manifest-json:throw' })).toThrow('injected fault at step manifest-json (TU_FAULT)');
  });

  it('names every step of the engine once, the commit point between the manifest and the after-commit steps', () => {
    expect(new Set(FAULT_STEPS).size).toBe(FAULT_STEPS.length);
    expect(FAULT_STEPS.indexOf('manifest-index')).toBeLessThan(FAULT_STEPS.indexOf('grub-pointer'));
    expect(FAULT_STEPS.indexOf('grub-pointer')).toBeLessThan(FAULT_STEPS.indexOf('btrfs-default'));
  });
});
