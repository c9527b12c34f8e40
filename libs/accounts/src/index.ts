export * from './accounts.module';
export * from './accounts.entities';
export * from './permissions';
export * from './auth/auth.service';
export * from './auth/auth.guard';
export * from './auth/decorators';
export * from './auth/principal';
export * from './project-directory.port';
