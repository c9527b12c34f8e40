export * from './engine';
export * from './triage.module';
export * from './triage.service';
