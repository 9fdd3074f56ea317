/**
 * The Lua scripts behind `RedisStore`, loaded once as {@link RedisScript}s: every method that
 * changes a job is one script, so it runs as one atomic step on the Redis server however many
 * relays call it at once. They mirror the SQL statements of `relay/sqlite/sqlite-store.ts` one for
 * one; the shared contract test (`test/integration/relay/store-contract.test.ts`) holds both to the
 * same behaviour. The script texts and the key layout are in `scripts/`, one file per concern.
 */
import { RedisScript } from "./redis-script";
import { DEFER_DELIVERY, LOCK_DELIVERY, MARK_DELIVERED, MARK_DELIVERY_FAILED, POSTPONE_DELIVERY, RECORD_DELIVERY_PART, REDELIVER } from "./scripts/delivery-scripts";
import { APPEND_EVENT, PRUNE } from "./scripts/event-scripts";
import {
  ACTIVATE_JOB,
  CLAIM_JOB,
  FIND_JOB_BY_MESSAGE,
  FINISH_JOB,
  INSERT_JOB,
  LIST_OPEN_JOBS,
  RELEASE_JOB,
  RENEW_LEASE,
  REQUEUE_JOB,
  SET_STATUS_KIND,
} from "./scripts/job-scripts";
import { PURGE_FINISHED_JOBS } from "./scripts/retention-scripts";
import { DELETE_SESSION, DELETE_USER_SESSIONS, PRUNE_SESSIONS, TAKE_LINK_CODE, TOUCH_SESSION } from "./scripts/session-scripts";
import { ACTIVATE_STALE_JOBS, EXPIRE_JOBS, EXPIRE_LEASES } from "./scripts/sweep-scripts";

/** Every script the Redis store runs, by method. */
export const STORE_SCRIPTS = {
  insertJob: new RedisScript("insertJob", INSERT_JOB),
  activateJob: new RedisScript("activateJob", ACTIVATE_JOB),
  setStatusKind: new RedisScript("setStatusKind", SET_STATUS_KIND),
  findJobByMessage: new RedisScript("findJobByMessage", FIND_JOB_BY_MESSAGE),
  listOpenJobs: new RedisScript("listOpenJobs", LIST_OPEN_JOBS),
  claimJob: new RedisScript("claimJob", CLAIM_JOB),
  renewLease: new RedisScript("renewLease", RENEW_LEASE),
  releaseJob: new RedisScript("releaseJob", RELEASE_JOB),
  finishJob: new RedisScript("finishJob", FINISH_JOB),
  requeueJob: new RedisScript("requeueJob", REQUEUE_JOB),
  expireLeases: new RedisScript("expireLeases", EXPIRE_LEASES),
  expireJobs: new RedisScript("expireJobs", EXPIRE_JOBS),
  activateStaleJobs: new RedisScript("activateStaleJobs", ACTIVATE_STALE_JOBS),
  lockDelivery: new RedisScript("lockDelivery", LOCK_DELIVERY),
  markDelivered: new RedisScript("markDelivered", MARK_DELIVERED),
  deferDelivery: new RedisScript("deferDelivery", DEFER_DELIVERY),
  markDeliveryFailed: new RedisScript("markDeliveryFailed", MARK_DELIVERY_FAILED),
  redeliver: new RedisScript("redeliver", REDELIVER),
  postponeDelivery: new RedisScript("postponeDelivery", POSTPONE_DELIVERY),
  recordDeliveryPart: new RedisScript("recordDeliveryPart", RECORD_DELIVERY_PART),
  deleteSession: new RedisScript("deleteSession", DELETE_SESSION),
  deleteUserSessions: new RedisScript("deleteUserSessions", DELETE_USER_SESSIONS),
  touchSession: new RedisScript("touchSession", TOUCH_SESSION),
  purgeFinishedJobs: new RedisScript("purgeFinishedJobs", PURGE_FINISHED_JOBS),
  pruneSessions: new RedisScript("pruneSessions", PRUNE_SESSIONS),
  takeLinkCode: new RedisScript("takeLinkCode", TAKE_LINK_CODE),
  appendEvent: new RedisScript("appendEvent", APPEND_EVENT),
  prune: new RedisScript("prune", PRUNE),
} as const;
