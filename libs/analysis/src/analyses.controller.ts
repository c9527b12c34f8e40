import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject, ProjectScoped, PublicKeyAllowed, RateCategory, RequirePermissions } from '@app/accounts';
import type { Principal, ProjectContext } from '@app/accounts';
import { Idempotent, ApiContract } from '@app/core';
import { AnalysesService } from './analyses.service';
import { CreateAnalysisDto, ListAnalysesQuery } from './dto/analysis.dto';

@ApiTags('analyses')
@Controller('v1/analyses')
export class AnalysesController {
  constructor(private readonly analyses: AnalysesService) {}

  @Post()
  @HttpCode(202)
  @ProjectScoped()
  @PublicKeyAllowed()
  @RateCategory('analysis')
  @Idempotent()
  @RequirePermissions('analysis:create')
  @ApiContract({ body: 'CreateAnalysisRequest', data: 'AnalysisView', status: 202 })
  create(@CurrentPrincipal() p: Principal, @CurrentProject() project: ProjectContext, @Body() dto: CreateAnalysisDto) {
    return this.analyses.createFromApi(p, project, dto);
  }

  @Get()
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'AnalysisSummaryView', paged: true })
  list(@CurrentProject() project: ProjectContext, @Query() q: ListAnalysesQuery) {
    return this.analyses.list(project, q);
  }

  @Get(':id')
  @ProjectScoped()
  @PublicKeyAllowed()
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'AnalysisView' })
  get(@CurrentProject() project: ProjectContext, @Param('id') id: string) {
    return this.analyses.get(project, id);
  }
}
