import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Query slots shared by all workers (LOG_SOURCE_CONCURRENCY per log source, issue 14), and the per-project folders of
 * `file` sources (issue 19.1). Existing `file` sources keep their globs unchanged: they are now read relative to their
 * project's own folder, `$LOG_FILES_DIR/<projectId>/`, no longer relative to LOG_FILES_DIR itself, and files are not
 * moved (a migration does not touch the file system). So that nobody is surprised, each existing `file` source's last
 * test result says where its files must now be; the operator moves or copies them there.
 */
export class LogSourceSlots1796167266365 implements MigrationInterface {
  name = 'LogSourceSlots1796167266365';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "log_source_slots" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "logSourceId" uuid NOT NULL, "projectId" uuid NOT NULL, "holder" character varying(200) NOT NULL, "state" character varying(8) NOT NULL, "enqueuedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "grantedAt" TIMESTAMP WITH TIME ZONE, "expiresAt" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a16226092e66086522337e7da12" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_log_source_slots_queue" ON "log_source_slots"  ("logSourceId", "state", "enqueuedAt") `);
    await queryRunner.query(
      `UPDATE "log_sources" SET "lastTestedAt" = now(), "lastTestResult" = jsonb_build_object('success', false, 'message', ` +
        `'File sources now read only their own project''s folder, LOG_FILES_DIR/' || "projectId" || '/ (the globs are unchanged and now relative to it): ` +
        `move this project''s log files there, then test the connection again.') WHERE "type" = 'file'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_log_source_slots_queue"`);
    await queryRunner.query(`DROP TABLE "log_source_slots"`);
  }
}
