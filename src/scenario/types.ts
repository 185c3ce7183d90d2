// The scenario: the public contract of the engine (see README.md beside this file).
// Names follow the real configuration keys of SQLAlchemy, Gunicorn, PgBouncer and PostgreSQL.

export type Hook = 'none' | 'dispose_close_false' | 'dispose_close_true';
export type Distribution = 'constant' | 'exponential' | 'lognormal';
export type PoolClass = 'QueuePool' | 'NullPool';
export type PoolMode = 'session' | 'transaction' | 'statement';

export interface RequestProfile {
  app_ms: number;
  queries: number;
  query_ms: number;
  distribution: Distribution;
  hold: 'request' | 'query';
}

export interface AppConfig {
  servers: number;
  workers: number;
  threads: number;
  cores: number;
  timeout_s: number;
  max_requests: number;
  max_requests_jitter: number;
  preload_app: boolean;
  master_connects: boolean;
  post_fork: Hook;
  post_worker_init: Hook;
  session_scope: 'scoped' | 'global';
  engine_config: 'flask_sqlalchemy' | 'create_engine';
  request: RequestProfile;
}

export interface PoolConfig {
  class: PoolClass;
  pool_size: number;
  max_overflow: number;
  pool_timeout: number;
  pool_recycle: number;
  pool_pre_ping: boolean;
  pool_use_lifo: boolean;
}

export interface PgBouncerConfig {
  pool_mode: PoolMode;
  max_client_conn: number;
  default_pool_size: number;
  min_pool_size: number;
  reserve_pool_size: number;
  reserve_pool_timeout: number;
  max_db_connections: number;
  server_idle_timeout: number;
  query_wait_timeout: number;
}

export interface PostgresConfig {
  max_connections: number;
  superuser_reserved_connections: number;
  cores: number;
}

export interface NetworkConfig {
  rtt_ms: number;
  connect_ms: number;
  pgbouncer_connect_ms: number;
  tls: boolean;
}

export interface OtherClient {
  name: string;
  connections: number;
}

export type Fault =
  | { kind: 'terminate_backends'; at_s: number }
  | { kind: 'postgres_restart'; at_s: number; down_s: number }
  | { kind: 'pgbouncer_restart'; at_s: number; down_s: number }
  | { kind: 'idle_timeout'; after_s: number };

export interface Phase {
  rate_per_s: number;
  duration_s: number;
}

export interface ClosedLoad {
  kind: 'closed';
  concurrency: number;
  requests: number;
}

/** Open load: Poisson arrivals at `rate_per_s`, or, when `phases` is not empty, phase by phase. */
export interface OpenLoad {
  kind: 'open';
  rate_per_s: number;
  phases: Phase[];
}

export type Load = ClosedLoad | OpenLoad;

/** The normalised scenario: every field filled in. */
export interface Scenario {
  version: 1;
  seed: number;
  duration_s: number;
  app: AppConfig;
  pool: PoolConfig;
  pgbouncer: PgBouncerConfig | null;
  postgres: PostgresConfig;
  network: NetworkConfig;
  other_clients: OtherClient[];
  faults: Fault[];
  load: Load;
}

type Partialize<T> = { [K in keyof T]?: T[K] extends object ? Partialize<T[K]> : T[K] };

/** What a scenario file may contain: any subset of the scenario. */
export interface ScenarioInput {
  version?: 1;
  seed?: number;
  duration_s?: number;
  app?: Partialize<Omit<AppConfig, 'request'>> & { request?: Partial<RequestProfile> };
  pool?: Partial<PoolConfig>;
  pgbouncer?: Partial<PgBouncerConfig> | null;
  postgres?: Partial<PostgresConfig>;
  network?: Partial<NetworkConfig>;
  other_clients?: OtherClient[];
  faults?: Fault[];
  load?:
    Partial<ClosedLoad> | (Partial<Omit<OpenLoad, 'phases'>> & { kind: 'open'; phases?: Phase[] });
}

export interface ScenarioError {
  path: string;
  value: unknown;
  message: string;
}
