import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject, ProjectScoped, RateCategory, RequirePermissions } from '@app/accounts/auth/decorators';
import type { Principal, ProjectContext } from '@app/accounts/auth/principal';
import { AppError } from '@app/core/errors/error-codes';
import { PaginationQuery } from '@app/core/http/pagination.dto';
import { ProjectEntity } from '@app/projects/project.entity';
import { DataSource } from 'typeorm';
import { BindingsService } from './bindings.service';
import { ConversationsService } from './conversations.service';
import { TemplatePreviewDto } from './dto/binding.dto';
import { DEFAULT_PUBLIC_REPLY_TEMPLATE, renderTemplate, validateTemplate } from './templates/reply-template';

@ApiTags('support-desk')
@Controller()
export class ConversationsController {
  constructor(
    private readonly bindings: BindingsService,
    private readonly conversations: ConversationsService,
    private readonly ds: DataSource,
  ) {}

  private async binding(p: Principal, bindingId: string) {
    const b = await this.bindings.findInTenant(p.tenantId, bindingId);
    if (p.keyProjectId && p.keyProjectId !== b.projectId) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
    return b;
  }

  @Get('v1/support-desk/conversations/:bindingId')
  @RequirePermissions('analysis:read')
  async list(@CurrentPrincipal() p: Principal, @Param('bindingId') bindingId: string, @Query() q: PaginationQuery) {
    return this.conversations.list(await this.binding(p, bindingId), q.page, q.limit);
  }

  @Get('v1/support-desk/conversations/:bindingId/:conversationId')
  @RequirePermissions('analysis:read')
  async get(@CurrentPrincipal() p: Principal, @Param('bindingId') bindingId: string, @Param('conversationId') conversationId: string) {
    return this.conversations.get(await this.binding(p, bindingId), conversationId);
  }

  /** Renders a reply template with sample values (the SPA's live preview). */
  @Post('v1/config/support-desk/:id/template-preview')
  @HttpCode(200)
  @ProjectScoped()
  @RateCategory('read')
  @RequirePermissions('config:read')
  async preview(@CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: TemplatePreviewDto) {
    const b = await this.bindings.find(project.tenantId, project.id, id);
    const template = dto.template ?? b.publicReplyTemplate ?? DEFAULT_PUBLIC_REPLY_TEMPLATE;
    const err = validateTemplate(template);
    if (err) throw new AppError('VALIDATION_ERROR', err, { fields: [{ field: 'template', message: err }] });
    const p = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
    const sample = {
      customer_name: 'Jane Doe',
      conversation_id: '215470000000001',
      severity: 'high',
      affected_service: p.services?.[0]?.name ?? 'checkout',
      summary: 'Checkout has been failing with 500 errors since 9am',
      project_name: p.name,
      analysis_url: 'https://sigsentry.example/projects/default/analyses/00000000-0000-4000-8000-000000000000',
    };
    const r = renderTemplate(template, sample);
    return { rendered: r.text, html: r.html, variables: sample };
  }
}
