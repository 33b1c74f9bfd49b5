// The staff audit log (src/http/staff-audit.ts's port) in Redis, shared by every web node.
import type { Redis } from 'ioredis';
import type { StaffAuditEntry, StaffAuditLog } from '../../http/staff-audit.js';
import { RedisAuditLog } from './audit-log.js';

export class RedisStaffAudit implements StaffAuditLog {
  readonly #log: RedisAuditLog<StaffAuditEntry>;

  constructor(deps: { redis: Redis; prefix: string }) {
    this.#log = new RedisAuditLog({ redis: deps.redis, list: `${deps.prefix}staff-audit`, seq: `${deps.prefix}staff-audit-seq` });
  }

  append(entry: Omit<StaffAuditEntry, 'id'>): Promise<StaffAuditEntry> {
    return this.#log.append(entry);
  }

  recent(limit: number): Promise<StaffAuditEntry[]> {
    return this.#log.recent(limit);
  }
}
