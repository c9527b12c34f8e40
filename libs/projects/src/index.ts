export * from './project.entity';
export * from './projects.module';
export * from './projects.service';
