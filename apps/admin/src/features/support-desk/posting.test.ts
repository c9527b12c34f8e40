import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_FIELDS, INTERCOM_PERMISSIONS, POSTING_MODES, THRESHOLDS, cleanMapping, missingAttributes } from './posting';
import { installUrl } from './api/bindings';

describe('attribute mapping', () => {
  it('has exactly the five contract fields', () => {
    expect(ATTRIBUTE_FIELDS.map((f) => f.key)).toEqual(['severity', 'affected_service', 'analysis_url', 'confidence', 'summary']);
  });

  it('flags mapped names missing from the workspace, ignoring empty rows', () => {
    const attrs = [{ name: 'severity' }, { name: 'sigsentry_analysis_url' }];
    expect(missingAttributes({ severity: 'severity', analysis_url: 'sigsentry_analysis_url', summary: 'ai_summary', confidence: '  ' }, attrs)).toEqual([
      'summary',
    ]);
    expect(missingAttributes({ summary: 'x' }, undefined)).toEqual([]);
  });

  it('cleanMapping trims and drops empty entries', () => {
    expect(cleanMapping({ severity: ' sev ', summary: '', confidence: '   ' })).toEqual({ severity: 'sev' });
  });
});

describe('posting modes and thresholds', () => {
  it('describe what is posted where (contract §7)', () => {
    const byMode = Object.fromEntries(POSTING_MODES.map((m) => [m.mode, m]));
    expect(byMode.internal).toMatchObject({ triage: 'internal note', analysis: 'internal note', updated: 'internal note' });
    expect(byMode.public).toMatchObject({ triage: 'templated public reply', analysis: 'nothing public (attributes only)', updated: 'nothing' });
    expect(byMode.both).toMatchObject({ triage: 'internal note', analysis: 'templated public reply + internal note', updated: 'internal note' });
    expect(THRESHOLDS.map((t) => t.value)).toEqual(['disabled', 'critical', 'high', 'medium', 'low']);
  });
});

describe('Intercom connect', () => {
  it('lists the real Developer Hub permission names, not the seed’s', () => {
    const names = INTERCOM_PERMISSIONS.map((p) => p.name);
    expect(names).toEqual([
      'Read conversations',
      'Write conversations',
      'Read admins (or Read one admin)',
      'Read and list users and companies',
      'Gather App data',
    ]);
    expect(names.join(' ')).not.toMatch(/Manage subscriptions|Sidebar app/);
  });

  it('installs through the session-only install route with the project id', () => {
    expect(installUrl('0b5c-1')).toBe('/v1/support-desk/intercom/install?projectId=0b5c-1');
  });
});
