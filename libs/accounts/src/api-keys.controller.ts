import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Idempotent } from '@app/core/http/idempotency.interceptor';
import { ApiKeysService } from './api-keys.service';
import { CurrentPrincipal, DashboardOnly, RequirePermissions } from './auth/decorators';
import type { Principal } from './auth/principal';
import { CreateApiKeyDto } from './dto/accounts.dto';

@ApiTags('api-keys')
@Controller('v1/config/api-keys')
@DashboardOnly()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermissions('config:read')
  list(@CurrentPrincipal() p: Principal) {
    return this.keys.list(p);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('apikey:write')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApiKeyDto) {
    return this.keys.create(p, dto as any);
  }

  @Delete(':id')
  @RequirePermissions('apikey:write')
  revoke(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.keys.revoke(p, id);
  }
}
