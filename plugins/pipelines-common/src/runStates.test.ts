import { isRunState, RUN_STATES } from './runStates';

describe('isRunState', () => {
  it('accepts every normalized state', () => {
    for (const state of RUN_STATES) {
      expect(isRunState(state)).toBe(true);
    }
  });

  it('rejects source states and non-strings', () => {
    expect(isRunState('SUCCESS')).toBe(false);
    expect(isRunState('done')).toBe(false);
    expect(isRunState(undefined)).toBe(false);
    expect(isRunState(3)).toBe(false);
  });
});
