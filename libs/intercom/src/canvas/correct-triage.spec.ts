import { CORRECTION_INPUTS, readCorrectionForm } from './panel';
import { buildPanel } from './panel';
import { panelView } from './canvas.testing';

describe('"Correct triage" in the panel', () => {
  it('offers the button only when the panel knows the services and a run is possible', () => {
    const ids = (v: Parameters<typeof buildPanel>[0]) => buildPanel(v).canvas.content.components.map((c) => ('id' in c ? c.id : undefined));
    expect(ids(panelView())).not.toContain('correct_triage');
    expect(ids(panelView({ services: ['checkout'] }))).toContain('correct_triage');
    expect(ids(panelView({ services: ['checkout'], canRunAgain: false }))).not.toContain('correct_triage');
  });

  it('opens a form with dropdowns, or a text field when there are more services than a dropdown holds', () => {
    const small = buildPanel(panelView({ services: ['checkout', 'auth'], correcting: true })).canvas.content.components;
    expect(small.find((c) => 'id' in c && c.id === CORRECTION_INPUTS.service)).toMatchObject({ type: 'dropdown' });
    expect(small.map((c) => ('id' in c ? c.id : null))).toEqual(expect.arrayContaining(['save_correction', 'cancel_correction']));
    expect(small.some((c) => 'id' in c && c.id === 'run_analysis')).toBe(false);
    const many = Array.from({ length: 12 }, (_, i) => `svc-${i}`);
    const big = buildPanel(panelView({ services: many, correcting: true })).canvas.content.components;
    expect(big.find((c) => 'id' in c && c.id === CORRECTION_INPUTS.service)).toMatchObject({ type: 'input' });
  });

  it('reads the submitted form: keep = unchanged, none = no service, a service option or a typed name', () => {
    expect(readCorrectionForm({ triage_severity: 'keep', triage_service: 'keep' })).toEqual({});
    expect(readCorrectionForm({ triage_severity: 'high', triage_service: 'none' })).toEqual({ severity: 'high', affectedService: null });
    expect(readCorrectionForm({ triage_service: 'service:auth' })).toEqual({ affectedService: 'auth' });
    expect(readCorrectionForm({ triage_service: '  search ' })).toEqual({ affectedService: 'search' });
    expect(readCorrectionForm({ triage_service: '' })).toEqual({});
    expect(readCorrectionForm(null)).toEqual({});
    expect(readCorrectionForm(['x'])).toEqual({});
  });
});
