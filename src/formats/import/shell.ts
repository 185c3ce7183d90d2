// A small POSIX-shell word splitter for command lines pasted from scripts, Procfiles,
// Dockerfiles and systemd units (quoting as in
// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_02_02).
// It removes quotes and joins continued lines; it expands nothing: a word holding
// `$VAR`, `$(...)` or backquotes is marked so the caller can say its value is computed.

export interface Word {
  /** The word after quote removal; expansions are kept as written. */
  text: string;
  line: number;
  /** It contains a parameter expansion or a command substitution. */
  expansion: boolean;
}

/** Lines such as Docker's exec form `CMD ["gunicorn", "-w", "4", "app:app"]`. */
function execForm(line: string): string[] | null {
  let rest = line.trim();
  const head = rest.split(/\s/, 1)[0] ?? '';
  if (['cmd', 'entrypoint', 'run', 'command:', 'entrypoint:', '-'].includes(head.toLowerCase())) {
    rest = rest.slice(head.length).trim();
  }
  if (!rest.startsWith('[') || !rest.endsWith(']')) return null;
  try {
    const parsed: unknown = JSON.parse(rest);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
  } catch {
    // not JSON: read the line as shell words
  }
  return null;
}

/** Consumes a `$(...)`, `${...}` or `$NAME` starting at `i` (the `$`); returns the index after it. */
function expansionEnd(text: string, i: number): number {
  const open = text[i + 1];
  if (open === '(' || open === '{') {
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === open) depth++;
      else if (text[j] === close && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i + 1;
  if ('?#@*!$-0123456789'.includes(text[j] ?? '_')) return j + 1;
  while (j < text.length && /\w/.test(text[j] ?? '')) j++;
  return j;
}

/** Splits text into commands (at newlines, `;`, `&&`, `||`, `|`, `&`), each a list of words. */
export function shellCommands(text: string): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  let word: Word | null = null;
  let line = 1;
  let redirected = false;
  const begin = (): Word => (word ??= { text: '', line, expansion: false });
  const endWord = (): void => {
    if (word && !redirected) words.push(word);
    word = null;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
    redirected = false;
  };
  const lines = text.split('\n');
  // Exec-form lines become commands of their own; blank them for the shell reading.
  for (let n = 0; n < lines.length; n++) {
    const form = execForm(lines[n] ?? '');
    if (form) {
      commands.push(form.map((t) => ({ text: t, line: n + 1, expansion: false })));
      lines[n] = '';
    }
  }
  const src = lines.join('\n');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === '\n' || (next === '\r' && src[i + 2] === '\n')) {
        i += next === '\n' ? 1 : 2;
        line++;
        continue;
      }
      begin().text += next ?? '';
      i++;
    } else if (ch === "'") {
      const close = src.indexOf("'", i + 1);
      const end = close < 0 ? src.length : close;
      const inner = src.slice(i + 1, end);
      begin().text += inner;
      line += inner.split('\n').length - 1;
      i = end;
    } else if (ch === '"') {
      const w = begin();
      let j = i + 1;
      for (; j < src.length && src[j] !== '"'; j++) {
        const c = src[j] as string;
        if (c === '\\' && '$`"\\\n'.includes(src[j + 1] ?? '')) {
          if (src[j + 1] !== '\n') w.text += src[j + 1];
          else line++;
          j++;
        } else if (c === '$' || c === '`') {
          const end = c === '$' ? expansionEnd(src, j) : src.indexOf('`', j + 1) + 1 || src.length;
          w.text += src.slice(j, end);
          w.expansion = true;
          j = end - 1;
        } else {
          if (c === '\n') line++;
          w.text += c;
        }
      }
      i = j;
    } else if (ch === '$' || ch === '`') {
      const w = begin();
      const end = ch === '$' ? expansionEnd(src, i) : src.indexOf('`', i + 1) + 1 || src.length;
      w.text += src.slice(i, end);
      w.expansion = true;
      i = end - 1;
    } else if (ch === '#' && word === null) {
      while (i + 1 < src.length && src[i + 1] !== '\n') i++;
    } else if (ch === '\n') {
      endCommand();
      line++;
    } else if (ch === ';' || ch === '&' || ch === '|') {
      endCommand();
      if (src[i + 1] === ch) i++;
    } else if (ch === '>' || ch === '<') {
      // A redirection (`> log`, `2>&1`): nothing after it belongs to the command's arguments.
      if (word && /^\d+$/.test((word as Word).text)) word = null;
      endWord();
      redirected = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
    } else {
      begin().text += ch;
    }
  }
  endCommand();
  return commands;
}

/** `NAME=value` (a shell variable assignment), split; null otherwise. */
export function assignment(word: string): { name: string; value: string } | null {
  const eq = word.indexOf('=');
  if (eq <= 0) return null;
  const name = word.slice(0, eq);
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    const ok =
      c === '_' ||
      (c >= 'A' && c <= 'Z') ||
      (c >= 'a' && c <= 'z') ||
      (i > 0 && c >= '0' && c <= '9');
    if (!ok) return null;
  }
  return { name, value: word.slice(eq + 1) };
}
