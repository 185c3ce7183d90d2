import { describe, expect, it } from 'vitest';
import { importConfig } from '../../../../src/formats/import';
import { shellCommands } from '../../../../src/formats/import/shell';
import { ignoredKeys, lines, reason, values } from './helpers';

const cli = (text: string) => importConfig(text, { kind: 'gunicorn-cli' });

describe('gunicorn command line', () => {
  it('reads the brief example', () => {
    const result = cli(
      'gunicorn -w 4 --threads 16 --preload --timeout 30 --max-requests 1000 app:app',
    );
    expect(values(result)).toEqual({
      'app.workers': 4,
      'app.threads': 16,
      'app.preload_app': true,
      'app.timeout_s': 30,
      'app.max_requests': 1000,
    });
    expect(result.recognised.map((r) => r.key)).toEqual([
      '-w',
      '--threads',
      '--preload',
      '--timeout',
      '--max-requests',
    ]);
    expect(ignoredKeys(result)).toEqual(['app:app@1']);
    expect(result.errors).toEqual([]);
  });

  it('reads = forms, glued short flags, quotes and continued lines', () => {
    const result = cli(
      lines(
        'exec /srv/venv/bin/gunicorn \\',
        '    --workers=3 -t90 \\',
        '    --threads \'8\' --max-requests-jitter="25" \\',
        '    -k gthread --bind 0.0.0.0:8000 -w=5 \\',
        '    "app.wsgi:create_app()"',
      ),
    );
    expect(values(result)).toEqual({
      'app.workers': 5,
      'app.timeout_s': 90,
      'app.threads': 8,
      'app.max_requests_jitter': 25,
    });
    expect(result.recognised.find((r) => r.path === 'app.threads')?.line).toBe(3);
    expect(reason(result, '--workers')).toBe('set again by -w on line 4: the last one counts');
    expect(reason(result, '--bind')).toBe('not modelled: the simulator has no network addresses');
    expect(reason(result, 'app.wsgi:create_app()')).toBe('the application to run: not a setting');
  });

  it('ignores unknown flags and flags without a value', () => {
    const result = cli('gunicorn --frobnicate 3 --log-level debug -w 2 app:app --timeout');
    expect(values(result)).toEqual({ 'app.workers': 2 });
    expect(reason(result, '--frobnicate')).toBe('not a Gunicorn flag ("3" taken as its value)');
    expect(reason(result, '--log-level')).toBe('not modelled by the simulator');
    expect(reason(result, '--timeout')).toBe('no value given');
  });

  it('reads an unambiguous abbreviation as argparse does', () => {
    const result = cli('gunicorn --thread 4 --max-requests-j 10 app:app');
    expect(values(result)).toEqual({ 'app.threads': 4, 'app.max_requests_jitter': 10 });
    expect(result.notes.map((n) => n.message)).toContain(
      '--thread is read as --threads (argparse accepts unambiguous abbreviations)',
    );
  });

  it('asks for the number behind a shell expansion, but reads ${X:-default}', () => {
    const result = cli('gunicorn -w $(( 2 * $(nproc) + 1 )) --threads "${THREADS:-8}" app:app');
    expect(values(result)).toEqual({ 'app.threads': 8 });
    expect(reason(result, '-w')).toMatch(/^computed value: give the number/);
    expect(result.recognised[0]?.note).toContain('THREADS may set another value');
  });

  it('refuses negative and non-numeric values', () => {
    const result = cli('gunicorn -w -1 --threads four app:app');
    expect(values(result)).toEqual({});
    expect(reason(result, '-w')).toBe('-1: Gunicorn refuses a negative value');
    expect(reason(result, '--threads')).toBe('"four" is not a whole number');
  });

  it('finds the command in a Procfile, a Dockerfile and a systemd unit', () => {
    expect(values(cli('web: gunicorn app:app --workers 3 --log-file -\n'))).toEqual({
      'app.workers': 3,
    });
    const docker = cli(
      lines(
        'FROM python:3.12-slim',
        'ENV WEB_CONCURRENCY=2',
        'COPY . /app',
        'CMD ["gunicorn", "--threads", "16", "--preload", "app:app"]',
      ),
    );
    expect(values(docker)).toEqual({
      'app.workers': 2,
      'app.threads': 16,
      'app.preload_app': true,
    });
    expect(docker.recognised[0]?.note).toBe('the workers default');
    const unit = cli(
      lines(
        '[Service]',
        'Environment="WEB_CONCURRENCY=6"',
        'ExecStart=/opt/app/venv/bin/gunicorn --threads 4 --timeout 60 app.wsgi',
      ),
    );
    expect(values(unit)).toEqual({ 'app.workers': 6, 'app.threads': 4, 'app.timeout_s': 60 });
  });

  it('ranks the sources as Gunicorn does: flags over GUNICORN_CMD_ARGS over WEB_CONCURRENCY', () => {
    const result = cli(
      lines(
        'export GUNICORN_CMD_ARGS="--workers 3 --threads 2 --timeout 45"',
        'WEB_CONCURRENCY=9 gunicorn --threads 12 app:app > /var/log/gunicorn.log 2>&1 &',
      ),
    );
    expect(values(result)).toEqual({ 'app.workers': 3, 'app.threads': 12, 'app.timeout_s': 45 });
    expect(result.recognised.find((r) => r.path === 'app.workers')?.note).toBe(
      'from GUNICORN_CMD_ARGS',
    );
  });

  it('reads only the first gunicorn command', () => {
    const result = cli('gunicorn -w 2 app:app\ngunicorn -w 8 other:app\n');
    expect(values(result)).toEqual({ 'app.workers': 2 });
    expect(result.notes[0]?.message).toBe(
      'another gunicorn command on line 2: only the first one is read',
    );
  });

  it('says when there is no gunicorn command', () => {
    const result = cli('uwsgi --processes 4 --http :8000\n');
    expect(result.errors[0]?.message).toMatch(/^No gunicorn command found/);
    expect(values(result)).toEqual({});
  });

  it('splits shell words as POSIX shells do', () => {
    const words = shellCommands(`a 'b c' "d \\"e\\"" f\\ g # comment\nh; i && j | k`).map((c) =>
      c.map((w) => w.text),
    );
    expect(words).toEqual([['a', 'b c', 'd "e"', 'f g'], ['h'], ['i'], ['j'], ['k']]);
  });
});
