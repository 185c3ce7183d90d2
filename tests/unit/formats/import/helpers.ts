import type { ImportResult } from '../../../../src/formats/import';

/** `path -> value` of what a file set. */
export function values(result: ImportResult): Record<string, unknown> {
  return Object.fromEntries(result.recognised.map((r) => [r.path, r.value]));
}

/** The reason an ignored key was given (the first one with that key). */
export function reason(result: ImportResult, key: string): string | undefined {
  return result.ignored.find((i) => i.key === key)?.reason;
}

/** `key@line` of every ignored item, for comparing whole lists. */
export function ignoredKeys(result: ImportResult): string[] {
  return result.ignored.map((i) => `${i.key}@${i.line}`);
}

/** Joins lines, so fixtures can keep their exact spacing visible. */
export function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}
