export * from './incidents.module';
export * from './incidents.service';
export * from './incident.entities';
export * from './engine';
