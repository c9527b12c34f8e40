import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook payloads up to a page (≈ 8 KB) are stored inline and uncompressed. With the default target (≈ 2 KB) every
 * typical notification (2–5 KB of JSON) was compressed with pglz on insert: ≈ 11 % of PostgreSQL's CPU while
 * recording webhooks (perf, `bench/webhook-ingest` at max), for rows that are read once by the worker and then kept
 * as history. PostgreSQL CPU per webhook went from 144–157 to 125–134 µs in the same run. Larger payloads are still
 * compressed and moved out of line as before.
 */
export class EventPayloadInline1796214063002 implements MigrationInterface {
  name = 'EventPayloadInline1796214063002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_desk_events" SET (toast_tuple_target = 8160)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_desk_events" RESET (toast_tuple_target)`);
  }
}
