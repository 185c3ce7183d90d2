import { describe, expect, it } from 'vitest';
import { compareAnchors, mergeAnchors } from '../anchors/anchors';

describe('anchor registry', () => {
  const recorded = { '/queuepool/': ['overflow', 'pool_timeout'] };

  it('catches a renamed heading and a removed page', () => {
    expect(compareAnchors(recorded, { '/queuepool/': ['overflow', 'timeouts'] })).toEqual({
      missing: ['/queuepool/#pool_timeout'],
      unrecorded: ['/queuepool/#timeouts'],
    });
    expect(compareAnchors(recorded, {}).missing).toEqual(['/queuepool/']);
  });

  it('records new anchors and never forgets old ones', () => {
    expect(mergeAnchors(recorded, { '/queuepool/': ['overflow'], '/nullpool/': ['cost'] })).toEqual(
      {
        '/nullpool/': ['cost'],
        '/queuepool/': ['overflow', 'pool_timeout'],
      },
    );
  });
});
