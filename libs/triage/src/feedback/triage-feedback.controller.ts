import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject, ProjectScoped, RequirePermissions, type Principal, type ProjectContext } from '@app/accounts';
import { ApiContract, AppError, Idempotent, PaginationQuery } from '@app/core';
import { BindingsService } from '@app/support-desk';
import { TriageFeedbackDto } from './triage-feedback.dto';
import { TriageFeedbackService } from './triage-feedback.service';

/** Agents' corrections of triage (contract §5 "triage that learns"). */
@ApiTags('triage')
@Controller('v1')
export class TriageFeedbackController {
  constructor(
    private readonly bindings: BindingsService,
    private readonly feedback: TriageFeedbackService,
  ) {}

  /** An agent's correction: stored as a labelled example, written to the conversation's attributes, no note. */
  @Post('support-desk/conversations/:bindingId/:conversationId/triage-feedback')
  @HttpCode(201)
  @Idempotent()
  @RequirePermissions('analysis:create')
  @ApiContract({ body: 'TriageFeedbackRequest', data: 'TriageFeedbackResult', status: 201 })
  async correct(
    @CurrentPrincipal() p: Principal,
    @Param('bindingId') bindingId: string,
    @Param('conversationId') conversationId: string,
    @Body() dto: TriageFeedbackDto,
  ) {
    const b = await this.bindings.findInTenant(p.tenantId, bindingId);
    if (p.keyProjectId && p.keyProjectId !== b.projectId) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
    return this.feedback.correct(b, conversationId, dto, await this.feedback.authorOf(p));
  }

  /** The project's corrections, newest first (paged). */
  @Get('triage/feedback')
  @ProjectScoped()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'TriageFeedbackView', paged: true })
  list(@CurrentProject() project: ProjectContext, @Query() q: PaginationQuery) {
    return this.feedback.list(project.id, q.page, q.limit);
  }

  /** Agreement (how often agents left triage as it was), corrections used and learned words. */
  @Get('triage/feedback/stats')
  @ProjectScoped()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'TriageFeedbackStats' })
  stats(@CurrentProject() project: ProjectContext) {
    return this.feedback.stats(project.id);
  }

  /** Removes a learned word: it no longer points to its service and is not learned again. */
  @Delete('triage/feedback/learned-words/:word')
  @ProjectScoped()
  @RequirePermissions('analysis:create')
  @ApiContract({ data: 'TriageRemovedWord' })
  async removeWord(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('word') word: string) {
    return this.feedback.removeWord(project.id, word, await this.feedback.authorOf(p));
  }

  /** Undoes a correction (200 with its final state; a second undo is 409 CORRECTION_ALREADY_UNDONE). */
  @Delete('triage/feedback/:id')
  @ProjectScoped()
  @RequirePermissions('analysis:create')
  @ApiContract({ data: 'TriageFeedbackView' })
  async undo(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.feedback.undo(project.id, id, await this.feedback.authorOf(p));
  }
}
