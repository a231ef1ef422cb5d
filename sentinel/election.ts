// Epochs and votes, as Redis Sentinel: a sentinel votes once per epoch (for
// the first sentinel that asks in that epoch, or for itself when it starts a
// failover); a leader needs max(quorum, voters/2+1) votes in the failover's
// epoch, counting the votes other sentinels reported through
// SENTINEL is-master-down-by-addr.
import type { Master } from "./instances.ts";
import { MAX_DESYNC, type Sentinel } from "./state.ts";

/** Vote for `runid` in `epoch` if we have not voted in it yet; returns our vote. */
export function voteLeader(
  st: Sentinel,
  m: Master,
  epoch: number,
  runid: string,
): { leader: string; epoch: number } {
  if (epoch > st.currentEpoch) st.observeEpoch(epoch);
  if (m.leaderEpoch < epoch && st.currentEpoch <= epoch) {
    m.leader = runid;
    m.leaderEpoch = st.currentEpoch;
    st.save();
    st.event("warning", "+vote-for-leader", null, null, `${runid} ${m.leaderEpoch}`);
    // having voted for someone else, do not start a failover of our own soon
    if (runid !== st.myid) m.failoverStart = Date.now() + Math.floor(Math.random() * MAX_DESYNC);
  }
  return { leader: m.leader, epoch: m.leaderEpoch };
}

/** The leader elected for `epoch`, or "" when nobody has enough votes (yet). */
export function getLeader(st: Sentinel, m: Master, epoch: number): string {
  const counts = new Map<string, number>();
  const voters = m.sentinels.size + 1;
  for (const s of m.sentinels.values()) {
    if (s.leader && s.leader !== "*" && s.leaderEpoch === epoch) {
      counts.set(s.leader, (counts.get(s.leader) ?? 0) + 1);
    }
  }
  const best = (): [string, number] => {
    let w = "", n = 0;
    for (const [id, c] of counts) {
      if (c > n || (c === n && id < w)) [w, n] = [id, c];
    }
    return [w, n];
  };
  const [w0] = best();
  // vote for the current winner if there is one, else for ourselves
  const mine = voteLeader(st, m, epoch, w0 || st.myid);
  if (mine.leader && mine.epoch === epoch) {
    counts.set(mine.leader, (counts.get(mine.leader) ?? 0) + 1);
  }
  const [winner, votes] = best();
  if (!winner || votes < Math.floor(voters / 2) + 1 || votes < m.quorum) return "";
  return winner;
}
