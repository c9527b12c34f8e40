import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentProject, ProjectScoped, RequirePermissions, type ProjectContext } from '@app/accounts';
import { ApiContract, RawResponse, Idempotent } from '@app/core';
import { CreateLogSourceDto, UpdateLogSourceDto } from './dto/log-source.dto';
import { LogSourcesService } from './log-sources.service';

@ApiTags('log-sources')
@Controller('v1/config')
export class LogSourcesController {
  constructor(private readonly logSources: LogSourcesService) {}

  @Get('log-source-types')
  @RequirePermissions('config:read')
  @ApiContract({ data: 'LogSourceTypeMetadata', list: true })
  types() {
    return this.logSources.types();
  }

  @Get('log-sources')
  @ProjectScoped()
  @RequirePermissions('config:read')
  @ApiContract({ data: 'LogSourceView', list: true })
  list(@CurrentProject() project: ProjectContext) {
    return this.logSources.list(project);
  }

  @Post('log-sources')
  @ProjectScoped()
  @Idempotent()
  @RequirePermissions('config:write')
  @ApiContract({ body: 'LogSourceInput', data: 'LogSourceView', status: 201 })
  create(@CurrentProject() project: ProjectContext, @Body() dto: CreateLogSourceDto) {
    return this.logSources.create(project, dto);
  }

  @Get('log-sources/:id')
  @ProjectScoped()
  @RequirePermissions('config:read')
  @ApiContract({ data: 'LogSourceView' })
  get(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.logSources.get(project, id);
  }

  @Put('log-sources/:id')
  @ProjectScoped()
  @RequirePermissions('config:write')
  @ApiContract({ body: 'LogSourceInput', data: 'LogSourceView' })
  update(@CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: UpdateLogSourceDto) {
    return this.logSources.update(project, id, dto);
  }

  @Delete('log-sources/:id')
  @ProjectScoped()
  @RequirePermissions('config:write')
  @ApiContract({ data: 'LogSourceView' })
  remove(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.logSources.remove(project, id);
  }

  /** Always HTTP 200 with the contract §9 body (success and failure), so it writes its own envelope. */
  @Post('log-sources/:id/test')
  @HttpCode(200)
  @RawResponse()
  @ProjectScoped()
  @RequirePermissions('config:read')
  @ApiContract({ data: 'LogSourceTestBody', raw: true })
  test(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.logSources.test(project, id);
  }

  @Get('log-sources/:id/sources')
  @ProjectScoped()
  @RequirePermissions('config:read')
  @ApiContract({ data: 'DiscoveredSource', list: true })
  discover(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.logSources.discover(project, id);
  }
}
