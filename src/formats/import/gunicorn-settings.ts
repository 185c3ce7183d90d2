// Gunicorn's settings and their command-line flags, as listed in gunicorn/config.py
// (https://github.com/benoitc/gunicorn/blob/master/gunicorn/config.py, rendered at
// https://docs.gunicorn.org/en/stable/settings.html). A `!` marks a switch that takes
// no value (argparse store_true / store_const). Used to tell a setting the model does
// not use from a name Gunicorn does not know, and to tokenise a command line.
import { show, type Collector } from './collect';

const TABLE = `
config -c --config
wsgi_app
bind -b --bind
backlog --backlog
workers -w --workers
worker_class -k --worker-class
threads --threads
worker_connections --worker-connections
max_requests --max-requests
max_requests_jitter --max-requests-jitter
timeout -t --timeout
graceful_timeout --graceful-timeout
keepalive --keep-alive
limit_request_line --limit-request-line
limit_request_fields --limit-request-fields
limit_request_field_size --limit-request-field_size
reload !--reload
reload_engine --reload-engine
reload_extra_files --reload-extra-file
spew !--spew
check_config !--check-config
print_config !--print-config
preload_app !--preload
sendfile !--no-sendfile
reuse_port !--reuse-port
chdir --chdir
daemon !-D !--daemon
raw_env -e --env
pidfile -p --pid
worker_tmp_dir --worker-tmp-dir
user -u --user
group -g --group
umask -m --umask
initgroups !--initgroups
tmp_upload_dir
secure_scheme_headers
forwarded_allow_ips --forwarded-allow-ips
accesslog --access-logfile
disable_redirect_access_to_syslog !--disable-redirect-access-to-syslog
access_log_format --access-logformat
errorlog --error-logfile --log-file
loglevel --log-level
capture_output !--capture-output
logger_class --logger-class
logconfig --log-config
logconfig_dict
logconfig_json --log-config-json
syslog_addr --log-syslog-to
syslog !--log-syslog
syslog_prefix --log-syslog-prefix
syslog_facility --log-syslog-facility
enable_stdio_inheritance !-R !--enable-stdio-inheritance
statsd_host --statsd-host
dogstatsd_tags --dogstatsd-tags
statsd_prefix --statsd-prefix
enable_backlog_metric !--enable-backlog-metric
proc_name -n --name
default_proc_name
pythonpath --pythonpath
paste --paste --paster
on_starting
on_reload
when_ready
pre_fork
post_fork
post_worker_init
worker_int
worker_abort
pre_exec
pre_request
post_request
child_exit
worker_exit
nworkers_changed
on_exit
ssl_context
proxy_protocol !--proxy-protocol
proxy_allow_ips --proxy-allow-from
protocol --protocol
uwsgi_allow_ips --uwsgi-allow-from
keyfile --keyfile
certfile --certfile
ssl_version --ssl-version
cert_reqs --cert-reqs
ca_certs --ca-certs
suppress_ragged_eofs !--suppress-ragged-eofs
do_handshake_on_connect !--do-handshake-on-connect
ciphers --ciphers
http_protocols --http-protocols
http2_cleartext --http2-cleartext
http2_max_concurrent_streams --http2-max-concurrent-streams
http2_initial_window_size --http2-initial-window-size
http2_max_frame_size --http2-max-frame-size
http2_max_header_list_size --http2-max-header-list-size
raw_paste_global_conf --paste-global
permit_obsolete_folding !--permit-obsolete-folding
strip_header_spaces !--strip-header-spaces
permit_unconventional_http_method !--permit-unconventional-http-method
permit_unconventional_http_version !--permit-unconventional-http-version
casefold_http_method !--casefold-http-method
forwarder_headers --forwarder-headers
header_map --header-map
asgi_loop --asgi-loop
asgi_lifespan --asgi-lifespan
asgi_disconnect_grace_period --asgi-disconnect-grace-period
http_parser --http-parser
root_path --root-path
dirty_apps --dirty-app
dirty_workers --dirty-workers
dirty_timeout --dirty-timeout
dirty_threads --dirty-threads
dirty_graceful_timeout --dirty-graceful-timeout
on_dirty_starting
dirty_post_fork
dirty_worker_init
dirty_worker_exit
control_socket --control-socket
control_socket_mode --control-socket-mode
control_socket_disable !--no-control-socket
version !-v !--version
help !-h !--help
`;

export interface Flag {
  setting: string;
  /** A switch takes no value. */
  switch: boolean;
}

/** Every setting name a gunicorn.conf.py may assign. */
export const GUNICORN_SETTINGS = new Set<string>();
/** Command-line flag -> the setting it sets. */
export const GUNICORN_FLAGS = new Map<string, Flag>();

for (const row of TABLE.trim().split('\n')) {
  const [setting = '', ...flags] = row.split(' ');
  if (setting !== 'version' && setting !== 'help') GUNICORN_SETTINGS.add(setting);
  for (const flag of flags) {
    const isSwitch = flag.startsWith('!');
    GUNICORN_FLAGS.set(isSwitch ? flag.slice(1) : flag, { setting, switch: isSwitch });
  }
}

/** The server hooks: functions in gunicorn.conf.py, never command-line flags. */
export const HOOKS = new Set([
  'on_starting',
  'on_reload',
  'when_ready',
  'pre_fork',
  'post_fork',
  'post_worker_init',
  'worker_int',
  'worker_abort',
  'pre_exec',
  'pre_request',
  'post_request',
  'child_exit',
  'worker_exit',
  'nworkers_changed',
  'on_exit',
  'ssl_context',
  'on_dirty_starting',
  'dirty_post_fork',
  'dirty_worker_init',
  'dirty_worker_exit',
]);

/** How `worker_class` names the two worker types the model has (settings.html#worker-class). */
export function workerType(value: string): 'sync' | 'gthread' | null {
  const v = value.trim();
  if (v === 'sync' || v === 'egg:gunicorn#sync' || v.endsWith('SyncWorker')) return 'sync';
  if (v === 'gthread' || v === 'egg:gunicorn#gthread' || v.endsWith('gthread.ThreadWorker')) {
    return 'gthread';
  }
  return null;
}

/** The settings the model has, and where they go. */
export const MODELLED: Readonly<Record<string, { path: string; type: 'int' | 'bool' }>> = {
  workers: { path: 'app.workers', type: 'int' },
  threads: { path: 'app.threads', type: 'int' },
  timeout: { path: 'app.timeout_s', type: 'int' },
  max_requests: { path: 'app.max_requests', type: 'int' },
  max_requests_jitter: { path: 'app.max_requests_jitter', type: 'int' },
  preload_app: { path: 'app.preload_app', type: 'bool' },
};

/** Why a Gunicorn setting the model lacks is left out. */
export function notModelled(setting: string): string {
  if (setting === 'bind') return 'not modelled: the simulator has no network addresses';
  if (setting === 'config') return 'another file: import that gunicorn.conf.py too';
  if (setting === 'worker_connections') {
    return 'not modelled: it caps client connections per gthread worker, not database connections';
  }
  if (HOOKS.has(setting)) {
    return 'not modelled: the model has the post_fork and post_worker_init hooks only';
  }
  return 'not modelled by the simulator';
}

export interface WorkerClassSetting {
  value: string;
  key: string;
  line: number;
}

/**
 * The model derives the worker type from threads (1: sync, more: gthread), as Gunicorn
 * does for `sync` (config.py worker_class: "sync" with threads > 1 loads the gthread
 * worker). Other worker types are not modelled, and only gthread uses threads.
 */
export function applyWorkerClass(c: Collector, setting: WorkerClassSetting | null): void {
  if (!setting) return;
  const { value, key, line } = setting;
  const type = workerType(value);
  const threads = c.get('app.threads');
  const n = typeof threads?.value === 'number' ? threads.value : 1;
  const written = `${key} ${show(value)}`;
  if (type === 'sync') {
    c.note(
      n > 1
        ? `${written} with ${n} threads: Gunicorn runs the gthread worker instead, and so does the model`
        : `${written}: the sync worker (the model's threads = 1)`,
      line,
    );
  } else if (type === 'gthread') {
    c.note(
      n > 1
        ? `${written}: the gthread worker (the model's threads > 1)`
        : `${written} with 1 thread: the model treats one thread as a sync worker, which differs only in that timeout kills a sync worker busy with a long request`,
      line,
    );
  } else {
    c.ignore(key, line, 'not modelled: the model has the sync and gthread workers only', value);
    c.drop('app.threads', `only the gthread worker uses threads; ${written} does not`);
  }
}
