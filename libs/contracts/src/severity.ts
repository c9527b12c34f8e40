export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** SDK SEVERITY_ORDER: info 0, low 1, medium 2, high 3, critical 4. */
export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export const AUTO_ANALYZE_THRESHOLDS = ['disabled', 'critical', 'high', 'medium', 'low'] as const;
export type AutoAnalyzeThreshold = (typeof AUTO_ANALYZE_THRESHOLDS)[number];

export function meetsThreshold(severity: Severity, threshold: AutoAnalyzeThreshold): boolean {
  if (threshold === 'disabled') return false;
  return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[threshold];
}
