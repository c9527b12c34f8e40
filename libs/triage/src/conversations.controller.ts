import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions, type Principal } from '@app/accounts';
import { ApiContract, AppError, PaginationQuery } from '@app/core';
import { BindingsService } from '@app/support-desk';
import { ConversationsService } from './conversations.service';

@ApiTags('support-desk')
@Controller('v1/support-desk/conversations')
export class ConversationsController {
  constructor(
    private readonly bindings: BindingsService,
    private readonly conversations: ConversationsService,
  ) {}

  private async binding(p: Principal, bindingId: string) {
    const b = await this.bindings.findInTenant(p.tenantId, bindingId);
    if (p.keyProjectId && p.keyProjectId !== b.projectId) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
    return b;
  }

  @Get(':bindingId')
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'ConversationSummary', paged: true })
  async list(@CurrentPrincipal() p: Principal, @Param('bindingId') bindingId: string, @Query() q: PaginationQuery) {
    return this.conversations.list(await this.binding(p, bindingId), q.page, q.limit);
  }

  @Get(':bindingId/:conversationId')
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'ConversationDetail' })
  async get(@CurrentPrincipal() p: Principal, @Param('bindingId') bindingId: string, @Param('conversationId') conversationId: string) {
    return this.conversations.get(await this.binding(p, bindingId), conversationId);
  }
}
