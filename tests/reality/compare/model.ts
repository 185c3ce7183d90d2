// Running the engine side: the same scenario file, with this machine's figures written in
// (calibration.ts), over SEEDS seeds. Pure apart from the engine's own CPU time.

import { simulate, type Report } from '../../../src/engine/index';
import { parseScenario, type Scenario, type ScenarioInput } from '../../../src/scenario/index';
import { applyModelInputs, modelInputs, type Calibration, type ModelInput } from './calibration';
import { modelFigures, type Figures } from './figures';
import { SEEDS } from './tolerances';

export interface ModelRuns {
  /** The scenario both sides run (normalised, before the model inputs). */
  scenario: Scenario;
  /** What the engine ran with instead of the scenario's own values. */
  inputs: ModelInput[];
  /** The report of the scenario's own seed. */
  report: Report;
  /** Figures per seed; [0] is the scenario's own seed. */
  figures: Figures[];
  /** Texts per error kind, over every seed (the first of each kind per run). */
  texts: Record<string, string[]>;
}

export function normalise(input: ScenarioInput): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok)
    throw new Error(
      `invalid scenario: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  return parsed.scenario;
}

/**
 * Run the engine on `input` with this machine's figures (and `extra`: values measured by
 * the real run, such as how long an outage really lasted) over `seeds` seeds.
 */
export function runModel(
  input: ScenarioInput,
  cal: Calibration,
  seeds = SEEDS,
  extra: ModelInput[] = [],
): ModelRuns {
  const scenario = normalise(input);
  const inputs = [...modelInputs(scenario, cal), ...extra];
  const base = applyModelInputs(scenario, inputs);
  const figures: Figures[] = [];
  const texts: Record<string, Set<string>> = {};
  let report: Report | null = null;
  for (let i = 0; i < seeds; i++) {
    const seed = (scenario.seed + i) >>> 0;
    const r = simulate({ ...base, seed }).report;
    if (i === 0) report = r;
    figures.push(modelFigures(r));
    for (const [kind, text] of Object.entries(r.error_samples))
      if (text) (texts[kind] ??= new Set()).add(text);
  }
  return {
    scenario,
    inputs,
    report: report!,
    figures,
    texts: Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, [...v]])),
  };
}
