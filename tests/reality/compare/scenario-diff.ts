// Whether the harness read a scenario file as the engine did. Pure.

/** Paths where two normalised scenarios differ (a missing `load.phases` is an empty list). */
export function scenarioDiff(a: unknown, b: unknown, path = ''): string[] {
  // With phases, an open load's rate_per_s is unused: the engine keeps its default, the harness drops it.
  if (path === '' && a && b) {
    const phased = (x: unknown): boolean =>
      ((x as { load?: { phases?: unknown[] } }).load?.phases?.length ?? 0) > 0;
    if (phased(a) || phased(b)) {
      const strip = (x: unknown): unknown => {
        const c = structuredClone(x) as { load: Record<string, unknown> };
        delete c.load['rate_per_s'];
        return c;
      };
      return scenarioDiff(strip(a), strip(b), '(top)').map((p) => p.replace(/^\(top\)\.?/, ''));
    }
  }
  const norm = (x: unknown, p: string): unknown =>
    x === undefined && p.endsWith('phases') ? [] : x;
  const x = norm(a, path);
  const y = norm(b, path);
  if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) < 1e-9 ? [] : [path];
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object')
    return x === y ? [] : [path || '(root)'];
  if (Array.isArray(x) !== Array.isArray(y)) return [path];
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].flatMap((k) =>
    scenarioDiff(
      (x as Record<string, unknown>)[k],
      (y as Record<string, unknown>)[k],
      path ? `${path}.${k}` : k,
    ),
  );
}
