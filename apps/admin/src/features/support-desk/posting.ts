import { SUMMARY_ATTRIBUTE_MAX, type AttributeMapping, type AutoAnalyzeThreshold, type MappableField as AttributeKey, type PostingMode } from '@app/contracts';

/** What each posting mode posts where (contract §7). */
export const POSTING_MODES: { mode: PostingMode; label: string; triage: string; analysis: string; updated: string; use: string }[] = [
  {
    mode: 'internal',
    label: 'Internal only',
    triage: 'internal note',
    analysis: 'internal note',
    updated: 'internal note',
    use: 'Agents see results; customers see nothing.',
  },
  {
    mode: 'public',
    label: 'Public reply',
    triage: 'templated public reply',
    analysis: 'nothing public (attributes only)',
    updated: 'nothing',
    use: 'An automatic acknowledgement to the customer. No internal notes are posted.',
  },
  {
    mode: 'both',
    label: 'Both',
    triage: 'internal note',
    analysis: 'templated public reply + internal note',
    updated: 'internal note',
    use: 'Full detail for agents, and the customer hears back when the analysis is ready.',
  },
];

export const THRESHOLDS: { value: AutoAnalyzeThreshold; label: string; analyzes: string }[] = [
  { value: 'disabled', label: 'Disabled', analyzes: 'never (triage only)' },
  { value: 'critical', label: 'Critical', analyzes: 'conversations triaged critical' },
  { value: 'high', label: 'High (recommended)', analyzes: 'high and critical' },
  { value: 'medium', label: 'Medium', analyzes: 'medium and above' },
  { value: 'low', label: 'Low', analyzes: 'everything except info' },
];

export const ATTRIBUTE_FIELDS: { key: AttributeKey; label: string; help: string }[] = [
  { key: 'severity', label: 'Severity', help: 'critical / high / medium / low / info' },
  { key: 'affected_service', label: 'Affected service', help: 'The service named by triage' },
  { key: 'analysis_url', label: 'Analysis URL', help: 'Link to the analysis, written when one is created' },
  { key: 'confidence', label: 'Confidence', help: 'Triage confidence (0–1; coerced to the attribute type)' },
  { key: 'summary', label: 'Summary', help: `Triage summary, cut to ${SUMMARY_ATTRIBUTE_MAX} characters` },
];

/** Mapped names that the workspace does not have (saved anyway; health reports them). */
export function missingAttributes(mapping: AttributeMapping, available: { name: string }[] | undefined): AttributeKey[] {
  if (!available) return [];
  const names = new Set(available.map((a) => a.name));
  return (Object.keys(mapping) as AttributeKey[]).filter((k) => {
    const v = mapping[k]?.trim();
    return !!v && !names.has(v);
  });
}

/** Drops empty entries; trims names. */
export function cleanMapping(mapping: AttributeMapping): AttributeMapping {
  const out: AttributeMapping = {};
  for (const f of ATTRIBUTE_FIELDS) {
    const v = mapping[f.key]?.trim();
    if (v) out[f.key] = v;
  }
  return out;
}

/** The permissions the Intercom app asks for (Developer Hub names; contract §6). */
export const INTERCOM_PERMISSIONS: { name: string; why: string }[] = [
  { name: 'Read conversations', why: 'read new conversations and customer replies to triage them' },
  { name: 'Write conversations', why: 'post internal notes and, if you choose, public replies; set conversation attributes' },
  { name: 'Read admins (or Read one admin)', why: 'identify the workspace, its region and time zone, and the admin notes are posted as' },
  { name: 'Read and list users and companies', why: 'show the customer’s name in triage and replies' },
  { name: 'Gather App data', why: 'show the SigSentry panel in the inbox sidebar (Canvas Kit)' },
];
