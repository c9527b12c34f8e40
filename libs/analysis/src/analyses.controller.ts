import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, CurrentProject, ProjectScoped, PublicKeyAllowed, RateCategory, RequirePermissions } from '@app/accounts';
import type { Principal, ProjectContext } from '@app/accounts';
import { SCREENSHOT_MAX_BYTES } from '@app/contracts';
import { ApiContract, Idempotent, MultipartBody, RawResponse, UploadedFile, type UploadedFileData } from '@app/core';
import { AnalysesService } from './analyses.service';
import { AnalysisRecordsService } from './analysis-records.service';
import { scopeOf } from './analysis-scope';
import { CreateAnalysisDto, FeedbackDto, FollowUpDto, ListAnalysesQuery } from './dto/analysis.dto';
import { FeedbackService } from './feedback/feedback.service';
import { FollowUpService } from './followup/followup.service';
import { AnalysisCreateResponder } from './streaming/create-responder';

/** /v1/analyses, SigSentry-compatible (reference §5.2, contract §9, §12). ss_pub_ keys see only their own analyses. */
@ApiTags('analyses')
@Controller('v1/analyses')
export class AnalysesController {
  constructor(
    private readonly analyses: AnalysesService,
    private readonly records: AnalysisRecordsService,
    private readonly feedback: FeedbackService,
    private readonly followUps: FollowUpService,
    private readonly responder: AnalysisCreateResponder,
  ) {}

  /** JSON or multipart; answers 202 JSON (after up to ANALYSIS_SYNC_WAIT_MS) or an event stream (contract §12). */
  @Post()
  @HttpCode(202)
  @ProjectScoped()
  @PublicKeyAllowed()
  @RateCategory('analysis')
  @Idempotent({ replayThroughHandler: true })
  @RequirePermissions('analysis:create')
  @UseGuards(MultipartBody({ fileField: 'screenshot', maxFileBytes: SCREENSHOT_MAX_BYTES, jsonFields: ['metadata'] }))
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiContract({ body: 'CreateAnalysisRequest', data: 'AnalysisRecord', status: 202 })
  create(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() p: Principal,
    @CurrentProject() project: ProjectContext,
    @Body() dto: CreateAnalysisDto,
    @UploadedFile() file?: UploadedFileData,
  ) {
    return this.responder.respond(req, res, scopeOf(p, project), dto, file);
  }

  @Get()
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'AnalysisSummaryView', paged: true })
  list(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Query() q: ListAnalysesQuery) {
    return this.analyses.list(scopeOf(p, project), q);
  }

  @Get(':id')
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'AnalysisRecord' })
  get(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.records.get(scopeOf(p, project), id);
  }

  /** The image as stored (its detected type), never sniffed, never cached by shared caches. */
  @Get(':id/screenshot')
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  @RawResponse()
  @ApiProduces('image/png', 'image/jpeg', 'image/webp')
  async screenshot(
    @CurrentPrincipal() p: Principal,
    @CurrentProject() project: ProjectContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const image = await this.records.screenshot(scopeOf(p, project), id);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(image.bytes, {
      type: image.mimeType,
      length: image.bytes.length,
      disposition: `inline; filename="screenshot.${image.mimeType.split('/')[1].replace('jpeg', 'jpg')}"`,
    });
  }

  @Get(':id/similar')
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'SimilarAnalysis', list: true })
  similar(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.records.similar(scopeOf(p, project), id);
  }

  @Post(':id/postmortem')
  @HttpCode(200)
  @ProjectScoped()
  @PublicKeyAllowed()
  @Idempotent()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'PostmortemView' })
  postmortem(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.records.postmortem(scopeOf(p, project), id);
  }

  @Post(':id/feedback')
  @HttpCode(201)
  @ProjectScoped()
  @PublicKeyAllowed()
  @Idempotent()
  @RequirePermissions('analysis:read')
  @ApiContract({ body: 'FeedbackRequest', data: 'AnalysisFeedbackView', status: 201 })
  giveFeedback(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: FeedbackDto) {
    return this.feedback.record(scopeOf(p, project), id, dto);
  }

  @Post(':id/followup')
  @HttpCode(201)
  @ProjectScoped()
  @PublicKeyAllowed()
  @Idempotent()
  @RequirePermissions('analysis:create')
  @ApiContract({ body: 'FollowUpRequest', data: 'FollowUpView', status: 201 })
  followUp(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Param('id') id: string, @Body() dto: FollowUpDto) {
    return this.followUps.ask(scopeOf(p, project), id, dto.question);
  }
}
