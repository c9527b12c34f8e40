export * from './analysis.module';
export * from './analysis.entity';
export * from './analyses.service';
export * from './analysis.queues';
export * from './analysis-finished.port';
export * from './engine';
export { collectLogs } from './log-collector';
