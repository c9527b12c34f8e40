import type { FieldErrors } from '@/components/ui/field';
import { type LogSourceView, type LogSourceInput, type LogSourceTypeMetadata } from '@app/contracts';

export interface LogSourceFormState {
  type: string;
  name: string;
  sources: string;
  values: Record<string, string>;
}

export function initialFormState(type: LogSourceTypeMetadata | undefined, existing?: LogSourceView): LogSourceFormState {
  const values: Record<string, string> = {};
  for (const f of type?.fields ?? []) {
    const loc = f.location ?? 'credentials';
    // Secrets are write-only: credentials are never prefilled.
    if (loc === 'settings') values[f.key] = String(existing?.settings?.[f.key] ?? '');
    else if (loc === 'region') values[f.key] = existing?.region ?? '';
    else values[f.key] = '';
  }
  return { type: type?.type ?? '', name: existing?.name ?? '', sources: (existing?.sources ?? []).join('\n'), values };
}

export function parseSources(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Validates and builds the request body. On edit, credentials are sent only when the user typed at least one
 * (full replacement: then every required credential must be given); omitted = unchanged.
 */
export function buildLogSourceInput(
  type: LogSourceTypeMetadata,
  state: LogSourceFormState,
  mode: 'create' | 'edit',
): { input: LogSourceInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = state.name.trim();
  if (!name) errors.name = 'Enter a name';
  else if (name.length > 255) errors.name = 'At most 255 characters';
  const sources = parseSources(state.sources);
  if (sources.length === 0) errors.sources = `Enter at least one entry (${type.sourcesLabel})`;

  const credentials: Record<string, string> = {};
  const settings: Record<string, string> = {};
  let region: string | undefined;
  const credFields = type.fields.filter((f) => (f.location ?? 'credentials') === 'credentials');
  const anyCredTyped = credFields.some((f) => (state.values[f.key] ?? '').trim() !== '');
  for (const f of type.fields) {
    const loc = f.location ?? 'credentials';
    const raw = state.values[f.key] ?? '';
    const v = f.type === 'password' || f.type === 'textarea' ? raw : raw.trim();
    if (loc === 'credentials') {
      if (v.trim()) credentials[f.key] = v;
      const needed = mode === 'create' || anyCredTyped;
      if (f.required && needed && !v.trim()) errors[f.key] = mode === 'edit' ? `${f.label} is required when replacing credentials` : `Enter ${f.label}`;
    } else if (loc === 'settings') {
      if (v) settings[f.key] = v;
      if (f.required && !v) errors[f.key] = `Enter ${f.label}`;
    } else {
      if (v) region = v;
      if (f.required && !v) errors[f.key] = `Enter ${f.label}`;
    }
  }
  const input: LogSourceInput = { name, sources };
  if (mode === 'create') {
    input.type = type.type;
    input.credentials = credentials;
  } else if (anyCredTyped) {
    input.credentials = credentials;
  }
  if (region !== undefined) input.region = region;
  if (Object.keys(settings).length > 0 || mode === 'edit') input.settings = settings;
  return { input, errors };
}

/** The server's test message without a leading "Connected:" / "Connection failed:" (the UI already says which). */
export function testDetail(message: string): string {
  return message.replace(/^\s*(connected|connection failed|failed)\s*[:.\u2014-]\s*/i, '');
}
