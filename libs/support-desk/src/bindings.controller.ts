import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentProject, ProjectScoped, RateCategory, RequirePermissions } from '@app/accounts';
import { ApiContract } from '@app/core';
import type { ProjectContext } from '@app/accounts';
import { BindingsService } from './bindings.service';
import { TemplatePreviewDto, UpdateBindingDto } from './dto/binding.dto';

@ApiTags('support-desk')
@Controller('v1/config/support-desk')
@ProjectScoped()
export class BindingsController {
  constructor(private readonly bindings: BindingsService) {}

  @Get()
  @RequirePermissions('config:read')
  @ApiContract({ data: 'BindingView', list: true })
  list(@CurrentProject() project: ProjectContext) {
    return this.bindings.list(project.tenantId, project.id);
  }

  @Get(':id')
  @RequirePermissions('config:read')
  @ApiContract({ data: 'BindingView' })
  async get(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.bindings.view(await this.bindings.find(project.tenantId, project.id, id));
  }

  @Put(':id')
  @RequirePermissions('config:write')
  @ApiContract({ body: 'BindingUpdate', data: 'BindingView' })
  async update(@CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: UpdateBindingDto) {
    return this.bindings.update(await this.bindings.find(project.tenantId, project.id, id), dto);
  }

  @Delete(':id')
  @RequirePermissions('config:write')
  @ApiContract({ data: 'BindingView' })
  async disconnect(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.bindings.disconnect(await this.bindings.find(project.tenantId, project.id, id));
  }

  @Get(':id/attributes')
  @RequirePermissions('config:read')
  @ApiContract({ data: 'WorkspaceAttribute', list: true })
  async attributes(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    const list = await this.bindings.attributes(await this.bindings.find(project.tenantId, project.id, id));
    return list.map((a) => ({ name: a.name, dataType: a.dataType, apiWritable: a.apiWritable }));
  }

  @Get(':id/admins')
  @RequirePermissions('config:read')
  @ApiContract({ data: 'WorkspaceAdmin', list: true })
  async admins(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.bindings.admins(await this.bindings.find(project.tenantId, project.id, id));
  }

  /** Renders a reply template with sample values (the SPA's live preview). */
  @Post(':id/template-preview')
  @HttpCode(200)
  @RateCategory('read')
  @RequirePermissions('config:read')
  @ApiContract({ body: 'TemplatePreviewRequest', data: 'TemplatePreviewResponse' })
  async preview(@CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: TemplatePreviewDto) {
    return this.bindings.previewTemplate(await this.bindings.find(project.tenantId, project.id, id), dto.template, dto.kind);
  }
}
