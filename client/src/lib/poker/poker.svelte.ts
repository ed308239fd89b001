/**
 * The runes bridge for planning poker on one card: the round as the document shows it (who voted,
 * never what, until the reveal), my own vote as the server told me over a private reply, and the
 * requests a person can make. The server decides everything (server/extensions/poker.ts); this
 * class only asks, listens and announces.
 */
import type * as Y from 'yjs';
import { observeRounds, readHistory, readRound, readRounds, type PokerHistoryEntry, type PokerRound } from '$shared/doc/poker.ts';
import { cardLabel, pointsLabel, voteStats, type DeckCard, type DeckId, type VoteStats } from '$shared/poker.ts';
import type { OpenPlan } from '../plan/openPlan.svelte.ts';
import { NotConnectedError, privateChannel, type PrivateChannel } from '../sync/private.ts';

export const POKER_EXTENSION = 'poker';

type Reply = { type: string; cardId?: string; round?: number | null; value?: DeckCard | null; expired?: boolean; error?: string };

export class PokerSession {
  round = $state.raw<PokerRound | null>(null);
  history = $state.raw<PokerHistoryEntry[]>([]);
  /** My vote in the current round, as the server last confirmed it. */
  mine = $state<DeckCard | null>(null);
  /** Which round `mine` belongs to. */
  #mineRound = $state(0);
  /** The request in flight, e.g. 'vote'; controls wait for it. */
  busy = $state<string | null>(null);
  error = $state('');
  /** For the live region. */
  announcement = $state('');

  readonly stats: VoteStats | null = $derived(this.round && this.round.state !== 'voting' ? voteStats(this.round.votes, this.round.deck) : null);

  #channel: PrivateChannel;
  #cleanup: (() => void)[] = [];

  constructor(
    private readonly plan: OpenPlan,
    readonly cardId: string
  ) {
    const { doc, provider } = plan.connection.room;
    this.#channel = privateChannel(provider, POKER_EXTENSION);
    this.#read(true);

    // Only this card's entry (or the whole map: the entry may just have appeared).
    this.#cleanup.push(observeRounds(doc, (changed) => (changed === null || changed.includes(cardId)) && this.#read(false)));

    // Replies for this card (also those another panel of this page asked for).
    this.#cleanup.push(this.#channel.listen((payload) => this.#onReply(payload as Reply)));

    // After every (re)connect: ask for my vote back, which also tells whether the server still
    // holds the round (it forgets votes on restart; the round is then closed as expired).
    const onSync = (synced: boolean) => synced && this.refreshMine();
    provider.on('sync', onSync);
    this.#cleanup.push(() => provider.off('sync', onSync));
    if (provider.synced) this.refreshMine();
  }

  get me(): string | null {
    return this.plan.connection.session?.user.id ?? null;
  }

  /** May start, reveal, accept and cancel rounds. */
  get runs(): boolean {
    return this.plan.role === 'facilitator' || this.plan.role === 'admin';
  }

  get connected(): boolean {
    return this.plan.connection.state === 'connected';
  }

  /** Sat this round out: the facilitator who opened it without voting. */
  get optedOut(): boolean {
    const r = this.round;
    return r !== null && !r.facilitatorVotes && r.openedBy === this.me;
  }

  get canVote(): boolean {
    return this.plan.role !== null && this.plan.role !== 'viewer' && !this.optedOut && this.round?.state === 'voting';
  }

  /** My vote in the shown round: the private reply while voting, the document after the reveal. */
  get myVote(): DeckCard | null {
    const r = this.round;
    if (!r) return null;
    if (r.state === 'voting') return this.#mineRound === r.round ? this.mine : null;
    return this.me ? (r.votes[this.me] ?? null) : null;
  }

  nameOf(userId: string): string {
    return this.round?.names[userId] ?? this.plan.presence.peers.find((p) => p.id === userId)?.name ?? 'Someone';
  }

  #read(initial: boolean): void {
    const doc = this.plan.connection.room.doc;
    const before = this.round;
    const after = readRound(doc, this.cardId);
    this.round = after;
    this.history = readHistory(doc, this.cardId);
    if (!initial) this.#announceChange(before, after);
    if (after && before && after.round !== before.round) {
      this.mine = null;
      this.#mineRound = after.round;
    }
  }

  #announceChange(before: PokerRound | null, after: PokerRound | null): void {
    if (!after) return;
    const said: string[] = [];
    if (!before || before.round !== after.round) {
      if (after.state === 'voting') said.push(`Round ${after.round} started${after.openedByName ? ` by ${after.openedByName}` : ''}. Votes are hidden until the reveal.`);
    } else if (before.state !== after.state) {
      if (after.state === 'revealed') {
        const s = voteStats(after.votes, after.deck);
        said.push(`Votes revealed: ${s.count} ${s.count === 1 ? 'vote' : 'votes'}${s.median !== null ? `, median ${s.median}` : ''}${s.consensus ? ', consensus' : ''}.`);
      } else if (after.state === 'closed') {
        if (after.outcome === 'accepted' && after.agreed !== null) said.push(`Estimate accepted: ${pointsLabel(after.agreed)}.`);
        else if (after.outcome === 'expired') said.push(`Round ${after.round} expired: the server lost the votes before the reveal.`);
        else said.push(`Round ${after.round} was cancelled.`);
      }
    }
    if (before && before.round === after.round && after.state === 'voting') {
      const fresh = after.voters.filter((v) => !before.voters.includes(v) && v !== this.me);
      for (const id of fresh) said.push(`${this.nameOf(id)} voted.`);
    }
    if (said.length) this.announcement = said.join(' ');
  }

  #onReply(reply: Reply): void {
    if (!reply || typeof reply !== 'object' || reply.cardId !== this.cardId) return;
    if ((reply.type === 'voted' || reply.type === 'mine') && typeof reply.round === 'number') {
      this.#mineRound = reply.round;
      this.mine = reply.value ?? null;
    }
  }

  refreshMine(): void {
    const r = this.round;
    if (!r || r.state !== 'voting') return;
    this.#channel.send({ type: 'mine', cardId: this.cardId });
  }

  async #ask(what: string, payload: Record<string, unknown>): Promise<Reply | null> {
    if (this.busy) return null;
    this.busy = what;
    this.error = '';
    try {
      const reply = await this.#channel.request<Reply>({ ...payload, cardId: this.cardId });
      if (reply.error) {
        this.error = reply.error.charAt(0).toUpperCase() + reply.error.slice(1) + '.';
        return null;
      }
      return reply;
    } catch (err) {
      this.error = err instanceof NotConnectedError ? 'Not connected to the server: try again once the connection is back.' : 'The server did not answer. Try again.';
      return null;
    } finally {
      this.busy = null;
    }
  }

  async open(deck: DeckId | readonly DeckCard[], facilitatorVotes: boolean): Promise<void> {
    await this.#ask('open', { type: 'open', deck, facilitatorVotes });
  }

  /** Votes `value`; voting the card already chosen takes the vote back. */
  async vote(value: DeckCard): Promise<void> {
    const r = this.round;
    if (!r) return;
    const next = this.myVote === value ? null : value;
    const reply = await this.#ask('vote', { type: 'vote', round: r.round, value: next, name: this.plan.presence.name || undefined });
    if (reply) this.announcement = next === null ? 'Your vote was taken back.' : `You voted ${cardLabel(next)}. Only you can see it until the reveal.`;
  }

  async reveal(): Promise<void> {
    if (this.round) await this.#ask('reveal', { type: 'reveal', round: this.round.round });
  }

  async accept(value: number): Promise<void> {
    if (this.round) await this.#ask('accept', { type: 'accept', round: this.round.round, value });
  }

  async cancel(): Promise<void> {
    if (this.round) await this.#ask('cancel', { type: 'cancel', round: this.round.round });
  }

  destroy(): void {
    for (const fn of this.#cleanup) fn();
  }
}

/**
 * Which cards have a round open for voting, for the "voting now" badges: one observer per document
 * however many rows show a badge (a backlog lists hundreds of cards). Shared while anyone holds it.
 */
class VotingCards {
  ids = $state.raw<ReadonlySet<string>>(new Set());
  holders = 0;
  #stop: () => void;

  constructor(doc: Y.Doc) {
    const votingNow = () => new Set(readRounds(doc).filter((r) => r.state === 'voting').map((r) => r.cardId));
    this.ids = votingNow();
    this.#stop = observeRounds(doc, (changed) => {
      if (changed === null) return (this.ids = votingNow());
      const next = new Set(this.ids);
      for (const id of changed) {
        if (readRound(doc, id)?.state === 'voting') next.add(id);
        else next.delete(id);
      }
      if (next.size !== this.ids.size || [...next].some((id) => !this.ids.has(id))) this.ids = next;
    });
  }

  stop(): void {
    this.#stop();
  }
}

const votingByDoc = new WeakMap<Y.Doc, VotingCards>();

/** Holds the document's voting set; call the returned release when the component goes away. */
export function holdVotingCards(doc: Y.Doc): { voting: (cardId: string) => boolean; release: () => void } {
  let v = votingByDoc.get(doc);
  if (!v) votingByDoc.set(doc, (v = new VotingCards(doc)));
  v.holders++;
  const held = v;
  let released = false;
  return {
    voting: (cardId) => held.ids.has(cardId),
    release: () => {
      if (released) return;
      released = true;
      if (--held.holders === 0) {
        held.stop();
        votingByDoc.delete(doc);
      }
    }
  };
}
