import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiContract } from '@app/core';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, DashboardOnly, RequirePermissions } from './auth/decorators';
import type { Principal } from './auth/principal';
import { CreateMemberDto, UpdateMemberDto } from './dto/accounts.dto';
import { TeamService } from './team.service';

@ApiTags('team')
@Controller('v1/team/members')
@DashboardOnly()
export class TeamController {
  constructor(private readonly team: TeamService) {}

  @Get()
  @RequirePermissions('team:read')
  @ApiContract({ data: 'TeamMemberView', list: true })
  list(@CurrentPrincipal() p: Principal) {
    return this.team.list(p);
  }

  @Post()
  @RequirePermissions('team:manage')
  @ApiContract({ body: 'CreateMemberRequest', data: 'UserView', status: 201 })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateMemberDto) {
    return this.team.create(p, dto);
  }

  @Put(':id')
  @RequirePermissions('team:manage')
  @ApiContract({ body: 'UpdateMemberRequest', data: 'UserView' })
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: UpdateMemberDto) {
    return this.team.updateRole(p, id, dto.role);
  }

  @Delete(':id')
  @RequirePermissions('team:manage')
  @ApiContract({ data: 'RemovedMemberView' })
  remove(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.team.remove(p, id);
  }
}
