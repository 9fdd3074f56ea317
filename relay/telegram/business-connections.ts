/**
 * Telegram Business connections, in our own terms. A user who connects the bot to their business
 * account lets it see the private chats of that account; each `business_message` names its
 * connection by id only, so the bot asks Telegram (`getBusinessConnection`) which user it belongs to
 * and keeps the answer. The `business_connection` update (connect, disconnect, changed rights)
 * replaces what is kept, so nothing is stored beyond this process and Telegram stays the truth.
 */
import { GrammyError } from "grammy";
import type { BusinessConnection } from "grammy/types";

/** A business connection as the relay uses it. */
export interface BusinessLink {
  readonly id: string;
  /** The business account's user: owner of every job made from the connection. */
  readonly userId: number;
  /** That user's private chat with the bot: where their transcripts go. */
  readonly userChatId: number;
  readonly languageCode: string | null;
  readonly enabled: boolean;
  /** Whether the bot may reply in the account's chats (it never does unless asked; see relay/README.md). */
  readonly canReply: boolean;
}

/** The one mapping from Telegram's `BusinessConnection` to {@link BusinessLink}. */
export function toBusinessLink(connection: BusinessConnection): BusinessLink {
  return {
    id: connection.id,
    userId: connection.user.id,
    userChatId: connection.user_chat_id,
    languageCode: connection.user.language_code ?? null,
    enabled: connection.is_enabled,
    canReply: connection.rights?.can_reply === true,
  };
}

/** Connections kept at most; past it the oldest is asked for again when next needed. */
const MAX_KEPT = 10_000;

/** See the module comment. `fetch` is `getBusinessConnection` (grammY's `api.getBusinessConnection`). */
export class BusinessConnections {
  private readonly kept = new Map<string, BusinessLink>();

  /** Records a connection from a `business_connection` update (or an answer of Telegram's). */
  remember(link: BusinessLink): BusinessLink {
    if (!this.kept.has(link.id) && this.kept.size >= MAX_KEPT) {
      const oldest = this.kept.keys().next();
      if (oldest.done !== true) this.kept.delete(oldest.value);
    }
    this.kept.set(link.id, link);
    return link;
  }

  /** The connection `id` as kept, without asking Telegram; null when not kept. */
  peek(id: string): BusinessLink | null {
    return this.kept.get(id) ?? null;
  }

  /** The connection `id`, as kept or else as Telegram says; null when Telegram does not know it (any other failure throws). */
  async get(id: string, fetch: (id: string) => Promise<BusinessConnection>): Promise<BusinessLink | null> {
    const known = this.kept.get(id);
    if (known !== undefined) return known;
    try {
      return this.remember(toBusinessLink(await fetch(id)));
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 400) return null;
      throw error;
    }
  }
}
