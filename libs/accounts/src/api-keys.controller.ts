import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Idempotent, ApiContract } from '@app/core';
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
  @ApiContract({ data: 'ApiKeyView', list: true })
  list(@CurrentPrincipal() p: Principal) {
    return this.keys.list(p);
  }

  @Post()
  @Idempotent()
  @RequirePermissions('apikey:write')
  @ApiContract({ body: 'CreateApiKeyRequest', data: 'CreatedApiKey', status: 201 })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApiKeyDto) {
    return this.keys.create(p, dto);
  }

  @Delete(':id')
  @RequirePermissions('apikey:write')
  @ApiContract({ data: 'ApiKeyView' })
  revoke(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.keys.revoke(p, id);
  }
}
