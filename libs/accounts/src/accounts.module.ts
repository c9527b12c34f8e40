import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { ProjectDirectoryPort } from './project-directory.port';
import { PasswordHasher } from './auth/hash-gate';
import { LoginThrottle } from './auth/login-throttle';
import { TeamController } from './team.controller';
import { TeamService } from './team.service';

@Module({
  controllers: [AuthController, TeamController, ApiKeysController],
  providers: [AuthService, TeamService, ApiKeysService, AuthGuard, ProjectDirectoryPort, PasswordHasher, LoginThrottle],
  exports: [AuthService, AuthGuard, ProjectDirectoryPort],
})
export class AccountsModule {}
