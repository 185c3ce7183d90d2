// `npm run anchors:record`: adds the built site's new pages and section
// anchors to published.json. Run `npm run build` first.
import { writeFile } from 'node:fs/promises';
import { REGISTRY, builtAnchors, mergeAnchors, recordedAnchors } from './anchors';

const merged = mergeAnchors(await recordedAnchors().catch(() => ({})), await builtAnchors('dist'));
await writeFile(REGISTRY, `${JSON.stringify(merged, null, 2)}\n`);
console.log(
  `recorded ${Object.values(merged).flat().length} anchors on ${Object.keys(merged).length} pages`,
);
