// What a paste box must refuse before any parser sees it: too much text, binary
// data, text that was not UTF-8. The message says what was refused and why; the
// importers then report nothing else.

/** Configuration files are small; this is far above any real one and keeps a tab responsive. */
export const MAX_BYTES = 256 * 1024;

const LIMIT_TEXT = `${MAX_BYTES / 1024} KiB`;

/** UTF-8 length without allocating a copy of the text. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

function tooLarge(bytes: number): string {
  return `The text is ${Math.ceil(bytes / 1024)} KiB; the import reads at most ${LIMIT_TEXT}. Paste only the configuration file (or the lines that matter).`;
}

/** Why this text must not be imported, or null when it may be. */
export function refusal(text: unknown): string | null {
  if (typeof text !== 'string') {
    return 'Nothing to import: expected the text of a configuration file.';
  }
  // A string's length in UTF-16 units never exceeds its UTF-8 length, so this check
  // is cheap for any size and exact below the limit.
  if (text.length > MAX_BYTES) return tooLarge(text.length);
  const bytes = utf8Length(text);
  if (bytes > MAX_BYTES) return tooLarge(bytes);
  if (text.includes('\u0000')) {
    return 'This looks like a binary file (it contains NUL bytes), not a configuration file: nothing was read.';
  }
  if (text.includes('\uFFFD')) {
    return 'This is not valid UTF-8 text (it contains replacement characters \uFFFD, the mark of undecodable bytes): nothing was read.';
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Tab, line feed, vertical tab, form feed and carriage return occur in real files.
    if ((c < 0x20 && (c < 9 || c > 13)) || c === 0x7f) control++;
  }
  if (control > 0 && control * 100 > text.length) {
    return 'This looks like a binary file (it is full of control characters), not a configuration file: nothing was read.';
  }
  return null;
}

export type DecodedText = { ok: true; text: string } | { ok: false; message: string };

/** Decodes a file's bytes as UTF-8 for the importers (for the CLI and file drops). */
export function textFromBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length > MAX_BYTES) return { ok: false, message: tooLarge(bytes.length) };
  if (bytes.includes(0)) {
    return {
      ok: false,
      message:
        'This looks like a binary file (it contains NUL bytes), not a configuration file: nothing was read.',
    };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, text };
  } catch {
    return { ok: false, message: 'This file is not valid UTF-8 text: nothing was read.' };
  }
}
