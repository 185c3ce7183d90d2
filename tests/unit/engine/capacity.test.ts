import { describe, expect, it } from 'vitest';
import { connectionBudget } from '../../../src/engine/capacity';
import { DEFAULT_SCENARIO } from '../../../src/scenario/defaults';
import type { Scenario } from '../../../src/scenario/types';

const memo: Scenario = {
  ...DEFAULT_SCENARIO,
  app: {
    ...DEFAULT_SCENARIO.app,
    workers: 4,
    threads: 16,
    preload_app: true,
    master_connects: true,
  },
  pool: { ...DEFAULT_SCENARIO.pool, pool_size: 10, max_overflow: 20 },
};

describe('connectionBudget', () => {
  it('bounds each worker by its threads, not only by its pool (FACTS §10 b, k)', () => {
    const b = connectionBudget(memo);
    expect(b.configuredCeiling).toBe(120); // 4 × (10 + 20), the memo's own figure
    expect(b.perWorker).toBe(16); // 16 threads never reach 30 connections
    expect(b.appConnections).toBe(4 * 16 + 1); // plus the preloaded master's connection
    expect(b.postgresAvailable).toBe(97);
    expect(b.exceeded).toEqual([]);
  });

  it('flags two servers against max_connections 100', () => {
    const b = connectionBudget({
      ...memo,
      app: { ...memo.app, servers: 2, master_connects: false },
    });
    expect(b.appConnections).toBe(128);
    expect(b.exceeded).toEqual(['max_connections']);
  });

  it('counts other clients and an unlimited pool', () => {
    const b = connectionBudget({
      ...memo,
      pool: { ...memo.pool, max_overflow: -1 },
      other_clients: [{ name: 'celery', connections: 10 }],
    });
    expect(b.poolLimit).toBeNull();
    expect(b.configuredCeiling).toBeNull();
    expect(b.postgresConnections).toBe(65 + 10);
  });

  it('with PgBouncer, the app meets max_client_conn and PostgreSQL sees only the server pool', () => {
    const b = connectionBudget({
      ...memo,
      app: { ...memo.app, servers: 2, master_connects: false },
      pgbouncer: {
        pool_mode: 'transaction',
        max_client_conn: 100,
        default_pool_size: 20,
        min_pool_size: 0,
        reserve_pool_size: 5,
        reserve_pool_timeout: 5,
        max_db_connections: 0,
        server_idle_timeout: 600,
        query_wait_timeout: 120,
      },
    });
    expect(b.pgbouncer).toEqual({ clients: 128, maxClientConn: 100, servers: 25 });
    expect(b.postgresConnections).toBe(25);
    expect(b.exceeded).toEqual(['max_client_conn']);
  });
});
