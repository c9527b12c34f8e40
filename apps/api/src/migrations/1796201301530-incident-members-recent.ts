import { MigrationInterface, QueryRunner } from 'typeorm';

export class IncidentMembersRecent1796201301530 implements MigrationInterface {
  name = 'IncidentMembersRecent1796201301530';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_86944a75b2eee2eb63f958c9fb"`);
    await queryRunner.query(`CREATE INDEX "idx_incident_conversations_recent" ON "incident_conversations"  ("incidentId", "seenAt") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_incident_conversations_recent"`);
    await queryRunner.query(`CREATE INDEX "IDX_86944a75b2eee2eb63f958c9fb" ON "incident_conversations" USING btree ("incidentId") `);
  }
}
