import { E2E_DIST } from '../../scripts/e2e-ports.mjs';
// Published pages and section anchors never disappear (see tests/anchors/).
import { builtAnchors, compareAnchors, recordedAnchors } from '../anchors/anchors';
import { expect, test } from './fixtures';

test('every published page and section anchor still exists, and new ones are recorded', async () => {
  const { missing, unrecorded } = compareAnchors(
    await recordedAnchors(),
    await builtAnchors(E2E_DIST),
  );
  expect(missing, 'published anchors that disappeared (postmortems link to them)').toEqual([]);
  expect(unrecorded, 'new anchors: run `npm run build && npm run anchors:record`').toEqual([]);
});
