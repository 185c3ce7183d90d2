// A gunicorn command line: `gunicorn -w 4 --threads 16 --preload app:app`, from a shell
// script, a Procfile, a Dockerfile CMD or a systemd ExecStart, plus the environment it
// names. Gunicorn reads, in increasing priority, environment variables (WEB_CONCURRENCY
// for workers), the config file, GUNICORN_CMD_ARGS and the command line
// (https://docs.gunicorn.org/en/stable/configure.html); flags are parsed by argparse, which
// accepts `--flag value`, `--flag=value`, `-w4`, `-w 4` and unambiguous abbreviations.
import { Collector, cut } from './collect';
import {
  applyWorkerClass,
  GUNICORN_FLAGS,
  MODELLED,
  notModelled,
  type Flag,
  type WorkerClassSetting,
} from './gunicorn-settings';
import { assignment, shellCommands, type Word } from './shell';
import type { ImportResult } from './types';

/** Ranks inside one paste, so that the sources win as in Gunicorn whatever their order. */
const RANK = { environment: -15, cmdArgs: 0, commandLine: 5 } as const;

/** Words that may come before `gunicorn` on a command line. */
const PREFIXES = new Set([
  'exec',
  'nohup',
  'env',
  'sudo',
  'time',
  'poetry',
  'pipenv',
  'uv',
  'pdm',
  'hatch',
  'python',
  'python3',
  'cmd',
  'entrypoint',
  'run',
  'command:',
  '-',
]);

function isGunicorn(word: string): boolean {
  const value = assignment(word)?.value ?? word; // systemd: ExecStart=/venv/bin/gunicorn
  const base = value.slice(value.lastIndexOf('/') + 1);
  return base === 'gunicorn' || base === 'gunicorn3';
}

/** Index of the `gunicorn` word when it is in command position, else -1. */
export function gunicornIndex(words: Word[]): number {
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    if (isGunicorn(word.text)) return i;
    const text = word.text;
    const previous = words[i - 1]?.text ?? '';
    const allowed =
      PREFIXES.has(text.toLowerCase()) ||
      assignment(text) !== null ||
      (text.endsWith(':') && !text.includes('=')) || // Procfile `web:`, YAML `command:`
      text.startsWith('-') ||
      previous.startsWith('-');
    if (!allowed) return -1;
  }
  return -1;
}

/** Python's int() of a command-line string (argparse `type=int`); null where it raises. */
function argparseInt(text: string): number | null {
  const s = text.trim();
  let i = s.startsWith('-') || s.startsWith('+') ? 1 : 0;
  if (i === s.length) return null;
  for (; i < s.length; i++) {
    const c = s[i] as string;
    const digit = c >= '0' && c <= '9';
    if (!digit && !(c === '_' && /\d/.test(s[i - 1] ?? '') && /\d/.test(s[i + 1] ?? ''))) {
      return null;
    }
  }
  return Number(s.replaceAll('_', ''));
}

/** `${NAME:-4}` and `${NAME-4}`: the default, said to be one. */
function expansionDefault(text: string): { value: string; variable: string } | null {
  if (!text.startsWith('${') || !text.endsWith('}')) return null;
  const inner = text.slice(2, -1);
  const at = inner.indexOf('-');
  if (at <= 0) return null;
  const variable = inner.slice(0, inner[at - 1] === ':' ? at - 1 : at);
  const value = inner.slice(at + 1);
  if (assignment(`${variable}=`) === null || value.includes('$')) return null;
  return { value, variable };
}

interface Context {
  c: Collector;
  workerClass: WorkerClassSetting | null;
}

function apply(
  ctx: Context,
  flag: Flag,
  key: string,
  word: Word | null,
  rank: number,
  from = '',
): void {
  const { c } = ctx;
  const line = word?.line ?? 0;
  const modelled = MODELLED[flag.setting];
  if (flag.setting === 'worker_class' && word) {
    if (word.expansion) {
      c.ignore(key, line, `computed value: give the worker class (${cut(word.text, 40)})`);
    } else {
      ctx.workerClass = { value: word.text, key, line };
    }
    return;
  }
  if (!modelled) {
    c.ignore(key, line, notModelled(flag.setting));
    return;
  }
  if (modelled.type === 'bool') {
    c.set(modelled.path, key, true, line, { rank, ...(from ? { note: from } : {}) });
    return;
  }
  if (!word) return;
  let text = word.text;
  const notes = from ? [from] : [];
  if (word.expansion) {
    const fallback = expansionDefault(text);
    if (!fallback) {
      c.ignore(key, line, `computed value: give the number (${cut(text, 40)} is set by the shell)`);
      return;
    }
    notes.push(
      `the default of ${text}; the environment variable ${fallback.variable} may set another value`,
    );
    text = fallback.value;
  }
  const value = argparseInt(text);
  if (value === null) {
    c.ignore(key, line, `${JSON.stringify(cut(text, 40))} is not a whole number`, text);
  } else if (value < 0) {
    c.ignore(key, line, `${value}: Gunicorn refuses a negative value`, value);
  } else {
    c.set(modelled.path, key, value, line, {
      rank,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    });
  }
}

/** The long flag `name` abbreviates, when exactly one matches (argparse allow_abbrev). */
function abbreviation(name: string): string | null {
  const matches = [...GUNICORN_FLAGS.keys()].filter(
    (f) => f.startsWith('--') && f.startsWith(name),
  );
  return matches.length === 1 ? (matches[0] as string) : null;
}

/** Reads the flags of one gunicorn invocation (or of GUNICORN_CMD_ARGS). */
function readArguments(ctx: Context, args: Word[], rank: number, from = ''): void {
  const { c } = ctx;
  let positional = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as Word;
    const text = word.text;
    if (positional || !text.startsWith('-') || text === '-') {
      c.ignore(text, word.line, 'the application to run: not a setting');
      continue;
    }
    if (text === '--') {
      positional = true;
      continue;
    }
    let key = text;
    let value: Word | null = null;
    let flag: Flag | undefined;
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      if (eq > 0) {
        key = text.slice(0, eq);
        value = { ...word, text: text.slice(eq + 1) };
      }
      flag = GUNICORN_FLAGS.get(key);
      const full = flag ? null : abbreviation(key);
      if (full) {
        flag = GUNICORN_FLAGS.get(full);
        c.note(`${key} is read as ${full} (argparse accepts unambiguous abbreviations)`, word.line);
      }
    } else {
      key = text.slice(0, 2);
      flag = GUNICORN_FLAGS.get(key);
      const rest = text.slice(2);
      if (rest && flag && !flag.switch) {
        value = { ...word, text: rest.startsWith('=') ? rest.slice(1) : rest };
      } else if (rest && flag?.switch) {
        // Combined switches such as -DR: read each one.
        for (const ch of text.slice(1)) {
          const each = GUNICORN_FLAGS.get(`-${ch}`);
          if (each?.switch) apply(ctx, each, `-${ch}`, word, rank, from);
          else c.ignore(`-${ch}`, word.line, 'not a Gunicorn flag');
        }
        continue;
      }
    }
    if (!flag) {
      const next = args[i + 1];
      const takesNext = !value && next && !next.text.startsWith('-') && i + 1 < args.length - 1;
      c.ignore(
        key,
        word.line,
        `not a Gunicorn flag${takesNext ? ` (${JSON.stringify(cut(next.text, 30))} taken as its value)` : ''}`,
      );
      if (takesNext) i++;
      continue;
    }
    if (flag.switch) {
      if (value) {
        c.ignore(
          key,
          word.line,
          `a switch takes no value (${JSON.stringify(cut(value.text, 30))})`,
        );
      } else {
        apply(ctx, flag, key, word, rank, from);
      }
      continue;
    }
    if (!value) {
      const next = args[i + 1];
      if (!next || GUNICORN_FLAGS.has(next.text.split('=')[0] ?? '')) {
        c.ignore(key, word.line, 'no value given');
        continue;
      }
      value = next;
      i++;
    }
    apply(ctx, flag, key, value, rank, from);
  }
}

export function importGunicornCommandLine(text: string): ImportResult {
  const ctx: Context = { c: new Collector(), workerClass: null };
  const { c } = ctx;
  const commands = shellCommands(text);
  let found: Word[] | null = null;
  for (const words of commands) {
    // Environment for Gunicorn: `WEB_CONCURRENCY=4 gunicorn ...`, `export X=...`,
    // Docker `ENV X=...` / `ENV X value`, systemd `Environment="X=..."`.
    const first = words[0]?.text ?? '';
    const at = gunicornIndex(words);
    const prefix = at >= 0 ? words.slice(0, at) : words;
    if (first === 'ENV' && words.length === 3 && assignment(`${words[1]?.text}=`)) {
      readEnvironment(ctx, `${words[1]?.text}=${words[2]?.text}`, words[1] as Word);
    } else {
      for (const word of prefix) {
        const text = word.text.startsWith('Environment=') ? word.text.slice(12) : word.text;
        readEnvironment(ctx, text, word);
      }
    }
    if (at < 0) continue;
    if (found) {
      c.note(
        `another gunicorn command on line ${words[at]?.line}: only the first one is read`,
        words[at]?.line,
      );
      continue;
    }
    found = words;
    readArguments(ctx, words.slice(at + 1), RANK.commandLine);
  }
  if (!found && c.recognisedCount === 0 && c.errorCount === 0) {
    c.error(
      'No gunicorn command found: expected a line such as "gunicorn -w 4 --threads 16 app:app".',
    );
  }
  applyWorkerClass(c, ctx.workerClass);
  return c.result('gunicorn-cli');
}

function readEnvironment(ctx: Context, text: string, word: Word): void {
  const pair = assignment(text);
  if (!pair) return;
  if (pair.name === 'GUNICORN_CMD_ARGS') {
    const args = shellCommands(pair.value)
      .flat()
      .map((w) => ({ ...w, line: word.line }));
    readArguments(ctx, args, RANK.cmdArgs, 'from GUNICORN_CMD_ARGS');
  } else if (pair.name === 'WEB_CONCURRENCY') {
    // Gunicorn's workers default is int(os.environ.get("WEB_CONCURRENCY", 1)).
    const flag = GUNICORN_FLAGS.get('--workers') as Flag;
    apply(
      ctx,
      flag,
      'WEB_CONCURRENCY',
      { ...word, text: pair.value },
      RANK.environment,
      'the workers default',
    );
  }
}
