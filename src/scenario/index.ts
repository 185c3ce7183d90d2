// The scenario module: types, defaults, the field table, validation, presets and the
// share-link codec. The contract is README.md in this folder.
export type {
  Scenario,
  ScenarioInput,
  ScenarioError,
  AppConfig,
  PoolConfig,
  PgBouncerConfig,
  PostgresConfig,
  NetworkConfig,
  RequestProfile,
  OtherClient,
  Fault,
  Load,
  ClosedLoad,
  OpenLoad,
  Phase,
  Hook,
  Distribution,
  PoolClass,
  PoolMode,
} from './types';
export { DEFAULT_SCENARIO, PGBOUNCER_DEFAULTS, OPEN_LOAD_DEFAULTS } from './defaults';
export { FIELDS, RANGES, FIELD_BY_PATH, LIMITS, type FieldMeta, type FieldType } from './fields';
export {
  parseScenario,
  effectivePool,
  expectedRequests,
  scenarioNotes,
  type ParseResult,
  type EffectivePool,
} from './parse';
export { PRESETS, presetById, type Preset } from './presets/index';
export { encodeScenarioToParams, decodeScenarioFromParams, type DecodeNotice } from './url';
