// README.md (the contract) and the schema must agree: every key path of the field table
// is in the README's ranges table with the same range and default, and vice versa.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS, PRESETS } from '../../../src/scenario/index';

const readme = readFileSync(join(__dirname, '../../../src/scenario/README.md'), 'utf8');
const rows = readme
  .split('\n')
  .filter((l) => /^\| `[a-z_.[\]]+` \|/.test(l))
  .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));

describe('README and schema agree', () => {
  it('every field of the table is in the README, and only those', () => {
    const documented = rows.map((r) => r[1]!.replace(/`/g, ''));
    expect(new Set(documented)).toEqual(new Set(FIELDS.map((f) => f.path)));
  });

  it('with the same range and default', () => {
    for (const f of FIELDS) {
      const row = rows.find((r) => r[1] === `\`${f.path}\``)!;
      if (f.type === 'int' || f.type === 'number')
        expect(row[4], f.path).toBe(`${f.min}..${f.max}`);
      if (f.type === 'enum')
        expect(row[4]!.replace(/\\\|/g, '|'), f.path).toBe((f.options ?? []).join(' | '));
      expect(row[5], f.path).toBe(JSON.stringify(f.default));
    }
  });

  it('lists the presets the guide relies on', () => {
    const core = PRESETS.slice(0, 9);
    for (const p of core) expect(readme, p.id).toContain(`\`${p.id}\``);
  });
});
