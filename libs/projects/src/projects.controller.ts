import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgLevel, RequirePermissions } from '@app/accounts';
import type { Principal } from '@app/accounts';
import { Idempotent, ApiContract } from '@app/core';
import { CreateProjectDto, DeleteProjectDto, UpdateProjectDto } from './dto/project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@Controller('v1/config/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @RequirePermissions('config:read')
  @ApiContract({ data: 'ProjectView', list: true })
  list(@CurrentPrincipal() p: Principal) {
    return this.projects.list(p);
  }

  @Get(':id')
  @RequirePermissions('config:read')
  @ApiContract({ data: 'ProjectView' })
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.projects.getView(p, id);
  }

  @Post()
  @OrgLevel()
  @Idempotent()
  @RequirePermissions('config:write')
  @ApiContract({ body: 'ProjectInput', data: 'ProjectView', status: 201 })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProjectDto) {
    return this.projects.create(p, dto);
  }

  @Put(':id')
  @RequirePermissions('config:write')
  @ApiContract({ body: 'ProjectInput', data: 'ProjectView' })
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: UpdateProjectDto) {
    return this.projects.update(p, id, dto);
  }

  @Delete(':id')
  @RequirePermissions('project:delete')
  @ApiContract({ body: 'DeleteProjectRequest', data: 'ProjectView' })
  remove(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: DeleteProjectDto) {
    return this.projects.remove(p, id, dto.confirm);
  }
}
