import { decodeCursor, encodeCursor, nextCursor } from './cursor';

describe('cursor', () => {
  it('round-trips', () => {
    const cursor = { since: 1795846758.98449, blocked: '0123456789abcdef' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it('refuses what it did not write', () => {
    expect(() => decodeCursor('{"v":2,"since":1,"blocked":""}')).toThrow(
      'Not a Luigi provider cursor',
    );
    expect(() => decodeCursor('1795846758')).toThrow(
      'Not a Luigi provider cursor',
    );
  });

  it('starts the next poll the sweep and a margin before the last change seen', () => {
    expect(
      nextCursor(undefined, {
        maxUpdated: 1000,
        sweepSeconds: 2,
        blockedDigest: 'x',
      }),
    ).toEqual({ since: 997.5, blocked: 'x' });
  });

  it('never moves back', () => {
    expect(
      nextCursor(
        { since: 999, blocked: 'x' },
        { maxUpdated: 1000, sweepSeconds: 2, blockedDigest: 'y' },
      ),
    ).toEqual({ since: 999, blocked: 'y' });
    // No tasks at all: keep where it was.
    expect(
      nextCursor(
        { since: 999, blocked: 'x' },
        { maxUpdated: undefined, sweepSeconds: 0, blockedDigest: '' },
      ),
    ).toEqual({ since: 999, blocked: '' });
    expect(
      nextCursor(undefined, {
        maxUpdated: undefined,
        sweepSeconds: 0,
        blockedDigest: '',
      }),
    ).toEqual({ since: 0, blocked: '' });
  });
});
