// Share links record the versions they were made with (`v=<scenario format>.<model revision>`),
// so that a link in an old postmortem still opens after the model changes, and
// says so when its figures may differ from the ones in the old report.
import { MODEL_VERSION, SCENARIO_VERSION } from '../version';
import type { DecodeNotice } from './url';

export const VERSION_PARAM = 'v';

export function linkVersion(): string {
  return `${SCENARIO_VERSION}.${MODEL_VERSION}`;
}

/**
 * Reads and removes the version parameter. A link without one is taken as
 * current. Scenario format 1 is the only one so far, so there is nothing to
 * migrate yet; a later format adds its migration here, keyed by the version read.
 */
export function readLinkVersion(params: URLSearchParams): DecodeNotice[] {
  const text = params.get(VERSION_PARAM);
  params.delete(VERSION_PARAM);
  if (text === null) return [];
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(text);
  if (!match)
    return [
      {
        param: VERSION_PARAM,
        message: `${JSON.stringify(text.slice(0, 20))} is not a version (expected like ${linkVersion()})`,
      },
    ];
  const [format, model] = [Number(match[1]), Number(match[2])];
  if (format > SCENARIO_VERSION || model > MODEL_VERSION) {
    return [
      {
        param: VERSION_PARAM,
        message: `made by a newer Pool Lab (${text}); settings this version does not know are ignored`,
      },
    ];
  }
  if (model < MODEL_VERSION) {
    return [
      {
        param: VERSION_PARAM,
        message: `made with model revision ${model}; this is revision ${MODEL_VERSION}, so figures may differ from a report made with that link`,
      },
    ];
  }
  return [];
}
