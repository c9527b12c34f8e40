import { Module, OnModuleInit } from '@nestjs/common';
import { AccountsModule, ProjectDirectoryPort } from '@app/accounts';
import { ProjectsDirectory } from './project-directory';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

@Module({
  imports: [AccountsModule],
  controllers: [ProjectsController],
  providers: [ProjectsService, ProjectsDirectory],
  exports: [ProjectsService],
})
export class ProjectsModule implements OnModuleInit {
  constructor(
    private readonly port: ProjectDirectoryPort,
    private readonly directory: ProjectsDirectory,
  ) {}

  /** accounts resolves projects (request context, key scope, signup's default project) through its port. */
  onModuleInit(): void {
    this.port.use(this.directory);
  }
}
