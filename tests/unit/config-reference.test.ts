import { describe, expect, it } from 'vitest';
import { MODEL_EFFECTS, sectionOf } from '../../src/components/config-reference';
import { FIELDS } from '../../src/scenario/fields';

describe('configuration reference', () => {
  it('says what every scenario key changes in the model, and nothing else', () => {
    expect(Object.keys(MODEL_EFFECTS).sort()).toEqual(FIELDS.map((f) => f.path).sort());
  });

  it('places every key in a section, app.request under the app', () => {
    expect(sectionOf('app.request.app_ms').title).toBe('Gunicorn and the app');
    expect(sectionOf('load.phases[].rate_per_s').title).toBe('Load');
    expect(sectionOf('seed').title).toBe('Run');
    for (const f of FIELDS) expect(() => sectionOf(f.path)).not.toThrow();
  });
});
