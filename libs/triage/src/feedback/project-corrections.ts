import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Severity, TriageCorrection } from '@app/contracts';
import { MAX_CORRECTIONS, prepareCorrections, type PreparedCorrections } from '../engine';

interface Cached {
  version: string;
  prepared: PreparedCorrections;
}

/** At most this many projects' prepared corrections are kept in memory (least recently used leave first). */
const MAX_CACHED_PROJECTS = 200;

/**
 * A project's corrections as the engine reads them, prepared once per snapshot. The snapshot's version (count and
 * newest change of corrections and removed words) is one indexed query, so another process's write is seen at the
 * next triage; a write here also drops the entry at once.
 */
@Injectable()
export class ProjectCorrections {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly ds: DataSource) {}

  /** Drops a project's prepared corrections (after a correction, an undo or a removed word). */
  invalidate(projectId: string): void {
    this.cache.delete(projectId);
  }

  /** The project's prepared corrections; null when it has none (and no removed words). */
  async forProject(projectId: string): Promise<PreparedCorrections | null> {
    const version = await this.version(projectId);
    if (version === null) return null;
    const hit = this.cache.get(projectId);
    if (hit && hit.version === version) {
      this.cache.delete(projectId);
      this.cache.set(projectId, hit);
      return hit.prepared;
    }
    const prepared = prepareCorrections(await this.snapshot(projectId));
    this.cache.set(projectId, { version, prepared });
    if (this.cache.size > MAX_CACHED_PROJECTS) this.cache.delete(this.cache.keys().next().value!);
    return prepared;
  }

  private async version(projectId: string): Promise<string | null> {
    const [row] = await this.ds.query(
      `SELECT (SELECT count(*)::int FROM triage_corrections WHERE "projectId" = $1) AS n,
              (SELECT max(greatest("createdAt", coalesce("undoneAt", "createdAt"))) FROM triage_corrections WHERE "projectId" = $1) AS at,
              (SELECT count(*)::int FROM triage_corrections WHERE "projectId" = $1 AND "undoneAt" IS NOT NULL) AS undone,
              (SELECT count(*)::int FROM triage_removed_words WHERE "projectId" = $1) AS words,
              (SELECT max("createdAt") FROM triage_removed_words WHERE "projectId" = $1) AS wat`,
      [projectId],
    );
    if (!row || (row.n === 0 && row.words === 0)) return null;
    const t = (d: Date | null) => (d ? new Date(d).toISOString() : '-');
    return `${row.n}:${row.undone}:${t(row.at)}:${row.words}:${t(row.wat)}`;
  }

  /** A conversation's standing (not undone) corrections, newest first. */
  async standingFor(bindingId: string, conversationId: string) {
    const rows: Array<{ severity: string | null; serviceSet: boolean; affectedService: string | null; authorName: string | null }> = await this.ds.query(
      `SELECT severity, "serviceSet", "affectedService", author->>'name' AS "authorName" FROM triage_corrections
       WHERE "bindingId" = $1 AND "conversationId" = $2 AND "undoneAt" IS NULL ORDER BY "createdAt" DESC, id`,
      [bindingId, conversationId],
    );
    return rows;
  }

  /** The newest MAX_CORRECTIONS standing corrections and the removed words. */
  async snapshot(projectId: string) {
    const rows: Array<{
      id: string;
      conversationId: string;
      subject: string | null;
      text: string;
      severity: string | null;
      serviceSet: boolean;
      affectedService: string | null;
      beforeSeverity: string;
      beforeService: string | null;
      createdAt: Date;
    }> = await this.ds.query(
      `SELECT id, "conversationId", subject, text, severity, "serviceSet", "affectedService", "beforeSeverity", "beforeService", "createdAt"
       FROM triage_corrections WHERE "projectId" = $1 AND "undoneAt" IS NULL ORDER BY "createdAt" DESC, id LIMIT $2`,
      [projectId, MAX_CORRECTIONS],
    );
    const words: Array<{ word: string }> = await this.ds.query(`SELECT word FROM triage_removed_words WHERE "projectId" = $1 ORDER BY word`, [projectId]);
    const corrections: TriageCorrection[] = rows.map((r) => ({
      id: r.id,
      conversationId: r.conversationId,
      text: r.text,
      subject: r.subject,
      ...(r.severity ? { severity: r.severity as Severity } : {}),
      ...(r.serviceSet ? { affectedService: r.affectedService } : {}),
      before: { severity: r.beforeSeverity as Severity, affectedService: r.beforeService },
      createdAt: new Date(r.createdAt).toISOString(),
    }));
    return { corrections, removedWords: words.map((w) => w.word) };
  }
}
