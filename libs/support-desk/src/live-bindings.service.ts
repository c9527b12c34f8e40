import { Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { BindingEntity } from './support-desk.entities';

const INGEST_CACHE_MS = 2000;

/** The live (not inactive) bindings of a workspace, with the webhook path's short positive cache. */
@Injectable()
export class LiveBindings {
  private readonly cache = new Map<string, { at: number; rows: BindingEntity[] }>();

  constructor(private readonly ds: DataSource) {}

  byWorkspace(platform: string, workspaceId: string): Promise<BindingEntity[]> {
    return this.ds.getRepository(BindingEntity).find({ where: { platform, workspaceId, status: Not('inactive' as const) } });
  }

  /**
   * The webhook path's lookup, with found bindings remembered for 2 s. Only positive answers are cached, so a new
   * install is seen at once by every replica; a binding disconnected on another replica may still get its event
   * recorded for 2 s, and the job then finds it inactive and ignores it.
   */
  async byWorkspaceForIngest(platform: string, workspaceId: string): Promise<BindingEntity[]> {
    const key = `${platform}:${workspaceId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < INGEST_CACHE_MS) return hit.rows;
    const rows = await this.byWorkspace(platform, workspaceId);
    if (rows.length) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { at: Date.now(), rows });
    } else this.cache.delete(key);
    return rows;
  }

  /** Drops a binding's workspace from this replica's cache (its status just changed). */
  forget(b: Pick<BindingEntity, 'platform' | 'workspaceId'>): void {
    this.cache.delete(`${b.platform}:${b.workspaceId}`);
  }
}
