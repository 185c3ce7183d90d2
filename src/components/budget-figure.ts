// Numbers of the connection budget (the worst case a configuration allows) for
// chapters' prose: the engine's arithmetic on a preset, optionally changed.
import { connectionBudget, type ConnectionBudget } from '../engine/capacity';
import { presetScenario } from '../state/scenario-store';
import { setAtPath } from '../state/key-path';
import { parseScenario } from '../scenario/parse';

export type BudgetMetric =
  | 'processes'
  | 'perWorker'
  | 'poolLimit'
  | 'configuredCeiling'
  | 'masterConnections'
  | 'otherConnections'
  | 'appConnections'
  | 'postgresConnections'
  | 'postgresAvailable';

/** The budget of a preset with `changes` (key path → value) applied. */
export function budgetOf(preset: string, changes: Record<string, unknown> = {}): ConnectionBudget {
  let input: unknown = presetScenario(preset);
  for (const [path, value] of Object.entries(changes)) input = setAtPath(input, path, value);
  const parsed = parseScenario(input);
  if (!parsed.ok)
    throw new Error(`BudgetFigure ${preset}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return connectionBudget(parsed.scenario);
}

export function budgetFigure(
  preset: string,
  changes: Record<string, unknown>,
  metric: BudgetMetric,
): number {
  const value = budgetOf(preset, changes)[metric];
  if (typeof value !== 'number') throw new Error(`BudgetFigure: no number at ${metric}`);
  return value;
}
