import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject, ProjectScoped, RequirePermissions, type Principal, type ProjectContext } from '@app/accounts';
import { Idempotent } from '@app/core';
import { CustomerUpdates } from './customer-updates.service';
import { ChangeIncidentDto, IncidentUpdateDto, ListIncidentsQuery, MergeIncidentDto } from './dto/incident.dto';
import { IncidentsService } from './incidents.service';

/** Who acted, as the timeline names it. */
const actor = (p: Principal) => (p.userId ? `user:${p.userId}` : p.keyId ? `key:${p.keyId}` : 'api');

/** /v1/incidents (contract §11): reading needs analysis:read, changing config:write. */
@ApiTags('incidents')
@Controller('v1/incidents')
@ProjectScoped()
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly updates: CustomerUpdates,
  ) {}

  @Get()
  @RequirePermissions('analysis:read')
  list(@CurrentProject() project: ProjectContext, @Query() q: ListIncidentsQuery) {
    return this.incidents.list(project, q);
  }

  @Get(':id')
  @RequirePermissions('analysis:read')
  get(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.incidents.detail(project, id);
  }

  @Put(':id')
  @RequirePermissions('config:write')
  change(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: ChangeIncidentDto) {
    return this.incidents.change(project, id, dto, actor(p));
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Idempotent()
  @RequirePermissions('config:write')
  merge(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: MergeIncidentDto) {
    return this.incidents.merge(project, id, dto.incidentId, actor(p));
  }

  @Delete(':id/conversations/:bindingId/:conversationId')
  @RequirePermissions('config:write')
  unlink(
    @CurrentPrincipal() p: Principal,
    @CurrentProject() project: ProjectContext,
    @Param('id') id: string,
    @Param('bindingId') bindingId: string,
    @Param('conversationId') conversationId: string,
  ) {
    return this.incidents.unlink(project, id, bindingId, conversationId, actor(p));
  }

  @Post(':id/updates')
  @HttpCode(202)
  @Idempotent()
  @RequirePermissions('config:write')
  async sendUpdate(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: IncidentUpdateDto) {
    const inc = await this.incidents.find(project, id);
    return this.updates.create(inc, dto, actor(p), (m, i) => this.incidents.resolveIn(m, i, actor(p)));
  }

  @Get(':id/updates/:updateId')
  @RequirePermissions('analysis:read')
  async update(@CurrentProject() project: ProjectContext, @Param('id') id: string, @Param('updateId') updateId: string) {
    const inc = await this.incidents.find(project, id);
    return this.updates.progress(inc.id, updateId);
  }
}
