// Reading and writing a scenario by key path (`pool.pool_size`), the names
// used by sliders, share links and error messages alike.

/** The value at `path` in `target`, or undefined where the path does not exist. */
export function getAtPath(target: unknown, path: string): unknown {
  let node: unknown = target;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `target` with `value` at `path`; objects along the path are copied, never mutated. */
export function setAtPath<T>(target: T, path: string, value: unknown): T {
  const [key, ...rest] = path.split('.');
  if (key === undefined || key === '__proto__' || key === 'constructor' || key === 'prototype') {
    throw new Error(`not a settable key path: ${path}`);
  }
  const node = (target ?? {}) as Record<string, unknown>;
  const next = rest.length === 0 ? value : setAtPath(node[key] ?? {}, rest.join('.'), value);
  return { ...node, [key]: next } as T;
}
