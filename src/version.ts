// Versions a report and a share link record, so that an old postmortem can be
// read against the model that produced it.

/** Pool Lab's release (package.json "version"; a unit test keeps them equal). */
export const POOL_LAB_VERSION = '0.1.0';

/**
 * The model's revision: raised whenever a change to the engine can change the
 * figures of an existing scenario and seed. A link made with an older revision
 * still opens, with a notice that its figures may differ from an old report.
 */
export const MODEL_VERSION = 6;

/** Scenario format version (SCENARIO.md `version`). */
export const SCENARIO_VERSION = 1;
