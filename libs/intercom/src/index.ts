export * from './intercom.module';
export * from './intercom.provider';
export * from './canvas';
