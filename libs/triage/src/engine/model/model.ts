/** A multinomial logistic model over sparse features (pure inference; the weights ship as a module). */
import { SEVERITIES, type Severity } from '@app/contracts';
import type { FeatureVector } from './features';

export interface SeverityModel {
  name: string;
  /** Class order of every weight row. */
  classes: readonly Severity[];
  /** feature → one weight per class */
  weights: Readonly<Record<string, readonly number[]>>;
  /** Softmax temperature fitted on held-out training data (calibration). */
  temperature: number;
}

export interface Prediction {
  probs: number[];
  /** Logit contribution of each feature to each class. */
  contributions: { feature: string; value: number[] }[];
}

export function predict(model: SeverityModel, v: FeatureVector): Prediction {
  const k = model.classes.length;
  const logits = new Array<number>(k).fill(0);
  const contributions: Prediction['contributions'] = [];
  for (const [f, x] of v) {
    const w = model.weights[f];
    if (!w) continue;
    const value = new Array<number>(k);
    for (let c = 0; c < k; c++) {
      value[c] = w[c] * x;
      logits[c] += value[c];
    }
    contributions.push({ feature: f, value });
  }
  return { probs: softmax(logits, model.temperature), contributions };
}

export function softmax(logits: number[], temperature = 1): number[] {
  const t = temperature > 0 ? temperature : 1;
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp((l - max) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export const SEVERITY_CLASSES: readonly Severity[] = SEVERITIES;
