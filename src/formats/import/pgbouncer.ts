// pgbouncer.ini, read with the `ini` package line by line (to keep line numbers). The
// settings and their types follow https://www.pgbouncer.org/config.html; PgBouncer's own
// reader (libusual cfparser.c) differs from common INI readers in one way that matters:
// ";" and "#" start a comment only at the start of a line, so `max_client_conn = 1000 # note`
// is the value "1000 # note", which PgBouncer refuses. We read the value meant and say so.
import { decode } from 'ini';
import { Collector, cut, splitLines } from './collect';
import type { ImportResult } from './types';

type Kind = 'int' | 'time' | 'mode';

/** [pgbouncer] settings the model has. */
const SETTINGS: Record<string, { path: string; kind: Kind }> = {
  pool_mode: { path: 'pgbouncer.pool_mode', kind: 'mode' },
  max_client_conn: { path: 'pgbouncer.max_client_conn', kind: 'int' },
  default_pool_size: { path: 'pgbouncer.default_pool_size', kind: 'int' },
  min_pool_size: { path: 'pgbouncer.min_pool_size', kind: 'int' },
  reserve_pool_size: { path: 'pgbouncer.reserve_pool_size', kind: 'int' },
  reserve_pool_timeout: { path: 'pgbouncer.reserve_pool_timeout', kind: 'time' },
  max_db_connections: { path: 'pgbouncer.max_db_connections', kind: 'int' },
  server_idle_timeout: { path: 'pgbouncer.server_idle_timeout', kind: 'time' },
  query_wait_timeout: { path: 'pgbouncer.query_wait_timeout', kind: 'time' },
};

/** Per-database connection-string keys the model has (config.md, Section [databases]). */
const DATABASE: Record<string, string> = {
  pool_size: 'pgbouncer.default_pool_size',
  min_pool_size: 'pgbouncer.min_pool_size',
  reserve_pool: 'pgbouncer.reserve_pool_size',
  reserve_pool_size: 'pgbouncer.reserve_pool_size',
  max_db_connections: 'pgbouncer.max_db_connections',
  pool_mode: 'pgbouncer.pool_mode',
  query_wait_timeout: 'pgbouncer.query_wait_timeout',
};

/** Other keys a [databases] entry may hold (src/loader.c parse_database). */
const DATABASE_OTHER = new Set(
  'dbname host port user password auth_user auth_dbname client_encoding datestyle timezone max_db_client_connections server_lifetime load_balance_hosts connect_query application_name auth_query target_session_attrs'.split(
    ' ',
  ),
);

/** Every [pgbouncer] setting of config.md, to tell "not modelled" from a misspelling. */
const KNOWN = new Set(
  `logfile pidfile listen_addr listen_port unix_socket_dir unix_socket_mode unix_socket_group user
  pool_mode max_client_conn default_pool_size min_pool_size reserve_pool_size reserve_pool_timeout
  max_db_connections max_db_client_connections max_user_connections max_user_client_connections
  server_round_robin track_extra_parameters ignore_startup_parameters peer_id disable_pqexec
  application_name_add_host conffile service_name job_name stats_period max_prepared_statements
  scram_iterations auth_type auth_hba_file auth_ident_file auth_file auth_user auth_query auth_dbname
  auth_ldap_options syslog syslog_ident syslog_facility log_connections log_disconnections
  log_pooler_errors log_stats verbose admin_users stats_users server_reset_query
  server_reset_query_always server_check_delay server_check_query server_fast_close server_lifetime
  server_idle_timeout server_connect_timeout server_login_retry client_login_timeout
  autodb_idle_timeout pool_idle_timeout dns_max_ttl dns_nxdomain_ttl dns_zone_check_period
  resolv_conf query_wait_notify login_notify_message client_tls_sslmode client_tls_key_file
  client_tls_cert_file client_tls_ca_file client_tls_protocols client_tls_ciphers
  client_tls13_ciphers client_tls_ecdhcurve client_tls_dheparams server_tls_sslmode
  server_tls_ca_file server_tls_key_file server_tls_cert_file server_tls_protocols
  server_tls_ciphers server_tls13_ciphers query_timeout query_wait_timeout cancel_wait_timeout
  client_idle_timeout idle_transaction_timeout transaction_timeout suspend_timeout pkt_buf
  max_packet_size listen_backlog sbuf_loopcnt so_reuseport tcp_defer_accept tcp_socket_buffer
  tcp_keepalive tcp_keepcnt tcp_keepidle tcp_keepintvl tcp_user_timeout`.split(/\s+/),
);

const MODES = ['session', 'transaction', 'statement'];

/** C's strtol(value, &end, 0) that must consume the whole value, as cf_set_int requires. */
export function strtolBase0(text: string): number | null {
  let s = text.trimStart();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  let radix = 10;
  if (s.length > 2 && (s.startsWith('0x') || s.startsWith('0X'))) {
    radix = 16;
    s = s.slice(2);
  } else if (s.length > 1 && s.startsWith('0')) {
    radix = 8;
  }
  const digits = '0123456789abcdef'.slice(0, radix);
  if (s === '' || [...s.toLowerCase()].some((ch) => !digits.includes(ch))) return null;
  return sign * parseInt(s, radix);
}

/** C's atoi, which the [databases] entries use: leading digits, 0 when none. */
function atoi(text: string): number {
  const s = text.trimStart();
  let i = s.startsWith('-') || s.startsWith('+') ? 1 : 0;
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const n = i > start ? Number(s.slice(start, i)) : 0;
  return s.startsWith('-') ? -n : n;
}

type Parsed = { ok: true; value: number | string; note?: string } | { ok: false; reason: string };

function parseSetting(kind: Kind, text: string): Parsed {
  if (kind === 'mode') {
    const mode = text.toLowerCase(); // cf_set_lookup compares with strcasecmp
    return MODES.includes(mode)
      ? { ok: true, value: mode }
      : { ok: false, reason: `not one of ${MODES.join(' | ')}` };
  }
  if (kind === 'int') {
    const value = strtolBase0(text);
    if (value === null) return { ok: false, reason: 'not a whole number: PgBouncer refuses it' };
    const octal = /^\s*[+-]?0[0-7]/.test(text);
    return octal
      ? { ok: true, value, note: `PgBouncer reads a leading 0 as octal: ${text} is ${value}` }
      : { ok: true, value };
  }
  // Times are seconds, read with strtod; negative values are refused (cfparser.c parse_time).
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    return { ok: false, reason: 'not a number of seconds: PgBouncer refuses it' };
  }
  return { ok: true, value };
}

/** Splits a [databases] connection string: `host=x port=5432 pool_size=20 auth_query='...'`. */
export function connectionString(text: string): { key: string; value: string }[] | null {
  const out: { key: string; value: string }[] = [];
  let i = 0;
  const skip = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  for (skip(); i < text.length; skip()) {
    const start = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ' ') i++;
    const key = text.slice(start, i);
    skip();
    if (text[i] !== '=' || key === '') return null;
    i++;
    skip();
    let value = '';
    if (text[i] === "'") {
      for (i++; ; i++) {
        if (i >= text.length) return null;
        if (text[i] === "'") {
          if (text[i + 1] !== "'") break;
          i++;
        }
        value += text[i];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ' ') value += text[i++];
    }
    if (value === '') return null;
    out.push({ key, value });
  }
  return out;
}

interface Line {
  section: string | null;
  key: string;
  /** The value as the `ini` package reads it (comments and quotes removed). */
  value: string;
  /** The value as PgBouncer reads it: everything after `=`, trimmed. */
  raw: string;
  line: number;
}

export function importPgBouncerIni(text: string): ImportResult {
  const c = new Collector();
  c.usePgBouncer();
  c.note('a pgbouncer.ini: the app connects through PgBouncer');
  let section: string | null = null;
  let firstDatabase: string | null = null;
  splitLines(text).forEach((source, index) => {
    const line = index + 1;
    const trimmed = source.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return;
    if (trimmed.startsWith('%include')) {
      c.ignore('%include', line, 'another file: import it too');
      return;
    }
    const parsed = decode(trimmed);
    const [key] = Object.keys(parsed);
    if (trimmed.startsWith('[')) {
      section = key === undefined || !trimmed.endsWith(']') ? null : trimmed.slice(1, -1).trim();
      if (section === null) {
        c.error(`line ${line}: not a section header; PgBouncer stops reading here`, line);
      } else if (!['databases', 'pgbouncer', 'users', 'peers'].includes(section)) {
        c.ignore(
          `[${cut(section, 40)}]`,
          line,
          'not a PgBouncer section: PgBouncer refuses the file',
        );
      }
      return;
    }
    const value: unknown = key === undefined ? undefined : parsed[key];
    if (key === undefined || value === true || !trimmed.includes('=')) {
      c.ignore(cut(trimmed, 40), line, 'not a key = value line: PgBouncer stops reading here');
      return;
    }
    const entry: Line = {
      section,
      key,
      value: String(Array.isArray(value) ? value[value.length - 1] : value),
      raw: trimmed.slice(trimmed.indexOf('=') + 1).trim(),
      line,
    };
    if (section === 'pgbouncer') readPgBouncerSetting(c, key, entry.value, line, entry.raw);
    else if (section === 'databases') {
      firstDatabase ??= key;
      readDatabase(c, entry, firstDatabase === key);
    } else if (section === 'users') {
      c.ignore(key, line, 'per-user settings: not modelled (the model has one user)');
    } else if (section === null) {
      c.ignore(key, line, 'outside any section: PgBouncer refuses it');
    }
  });
  if (!c.recognisedCount && c.errorCount === 0 && !text.includes('[pgbouncer]')) {
    c.error('No [pgbouncer] section found: is this a pgbouncer.ini?');
  }
  return c.result('pgbouncer');
}

/** A [pgbouncer] setting (also used for the rows of PgBouncer's SHOW CONFIG). */
export function readPgBouncerSetting(
  c: Collector,
  key: string,
  value: string,
  line: number,
  raw = value,
): void {
  const setting = SETTINGS[key];
  if (!setting) {
    c.ignore(
      key,
      line,
      KNOWN.has(key)
        ? 'not modelled'
        : 'not a PgBouncer setting: PgBouncer stops at unknown parameters (check the spelling)',
    );
    return;
  }
  const parsed = parseSetting(setting.kind, value);
  if (!parsed.ok) {
    c.ignore(key, line, parsed.reason, value);
    return;
  }
  const notes = parsed.note ? [parsed.note] : [];
  if (raw !== value) {
    notes.push(
      `PgBouncer reads the whole rest of the line, ${JSON.stringify(cut(raw, 50))}, and refuses it: ";" and "#" start a comment only at the start of a line, and quotes are not removed. Put the comment on its own line`,
    );
  }
  c.set(setting.path, key, parsed.value, line, notes.length ? { note: notes.join('; ') } : {});
}

/**
 * A [databases] entry's pool_size / pool_mode / ... override the [pgbouncer] defaults for
 * that database. The model has one database, so the first entry's are used (rank 1: they
 * win over the defaults whatever the order) and the others are listed as ignored.
 */
function readDatabase(c: Collector, entry: Line, first: boolean): void {
  const { key: name, line } = entry;
  const pairs = connectionString(entry.value);
  if (entry.raw !== entry.value) {
    c.note(
      `${name}: PgBouncer reads the whole rest of the line, ${JSON.stringify(cut(entry.raw, 50))}: ";" and "#" start a comment only at the start of a line`,
      line,
    );
  }
  if (pairs === null) {
    c.ignore(name, line, 'not a valid connection string: PgBouncer refuses it');
    return;
  }
  for (const { key, value } of pairs) {
    const path = DATABASE[key];
    const written = `${name}: ${key}`;
    if (!path) {
      if (!DATABASE_OTHER.has(key)) {
        c.ignore(written, line, 'not a connection parameter PgBouncer knows: it refuses the entry');
      }
      continue;
    }
    if (!first) {
      c.ignore(
        written,
        line,
        'the model has one database: only the first entry of [databases] is read',
      );
      continue;
    }
    const scope = `for database ${name}, overriding the [pgbouncer] default (the model has one database: the first entry of [databases])`;
    if (key === 'pool_mode') {
      const parsed = parseSetting('mode', value);
      if (parsed.ok) c.set(path, written, parsed.value, line, { rank: 1, note: scope });
      else c.ignore(written, line, parsed.reason, value);
    } else {
      const n = atoi(value);
      if (key === 'query_wait_timeout' && n === -1) continue; // -1: not set for this database
      c.set(path, written, n, line, { rank: 1, note: scope });
    }
  }
}
