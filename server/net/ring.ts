// Single-producer single-consumer frame ring in a SharedArrayBuffer, and the
// doorbell an isolate sleeps on.
//
// Ring layout: a 64-byte control block (Int32: head, tail) then `cap` data
// bytes. head and tail are byte offsets in [0, cap); the ring is empty when
// they are equal and never filled completely (one 4-byte slot stays free).
// A frame is [u32 size][u32 type][u32 client id][u32 payload length][payload],
// its size padded to 4 bytes; a length of 0xffffffff means "wrapped: continue at offset 0".
// The producer publishes frames by storing head after writing them (a batch
// of frames is one store); the consumer frees space by storing tail.
//
// Doorbell: Int32 [0] counter, [1] sleeping flag. An isolate waits on its
// doorbell (Atomics.waitAsync on the counter) only after a last check;
// others ring it (add + notify only when it sleeps): one wake-up per batch.

export const HEADER = 16;
const CTRL = 64;
const WRAP = 0xffffffff;
const H = 0, T = 1;

export class Ring {
  readonly ctl: Int32Array;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly cap: number;
  /** Producer's unpublished head. */
  private localHead: number;

  constructor(readonly sab: SharedArrayBuffer) {
    this.ctl = new Int32Array(sab, 0, CTRL / 4);
    this.cap = sab.byteLength - CTRL;
    this.u8 = new Uint8Array(sab, CTRL, this.cap);
    this.dv = new DataView(sab, CTRL, this.cap);
    this.localHead = Atomics.load(this.ctl, H);
  }

  static create(bytes: number): Ring {
    return new Ring(new SharedArrayBuffer(CTRL + (bytes & ~3)));
  }

  /** Largest payload one frame may carry (callers split bigger ones). */
  get maxPayload(): number {
    return (this.cap >> 2) - HEADER;
  }

  // --- producer ---------------------------------------------------------------

  /**
   * Reserve a frame for `len` payload bytes; returns the payload's offset in
   * u8 or -1 when there is no room now. Call commitFrame() after filling it.
   */
  reserve(type: number, clientId: number, len: number): number {
    const size = (HEADER + len + 3) & ~3;
    const tail = Atomics.load(this.ctl, T);
    let head = this.localHead;
    const free = head >= tail ? this.cap - head + tail - 4 : tail - head - 4;
    if (head >= tail && this.cap - head < size) {
      // wrap: the frame must start at 0, with room before tail
      if (tail - 4 < size) return -1;
      this.dv.setUint32(head, WRAP, true);
      head = 0;
    } else if (free < size) return -1;
    this.dv.setUint32(head, size, true);
    this.dv.setUint32(head + 4, type, true);
    this.dv.setUint32(head + 8, clientId, true);
    this.dv.setUint32(head + 12, len, true);
    this.pendingHead = head + size === this.cap ? 0 : head + size;
    return head + HEADER;
  }
  private pendingHead = 0;

  /** The reserved frame is filled: it becomes part of the next publish(). */
  commitFrame(): void {
    this.localHead = this.pendingHead;
  }

  /** Make every committed frame visible to the consumer. */
  publish(): boolean {
    if (Atomics.load(this.ctl, H) === this.localHead) return false;
    Atomics.store(this.ctl, H, this.localHead);
    return true;
  }

  /** Write a whole frame (payload copied); false when there is no room. */
  writeFrame(type: number, clientId: number, payload?: Uint8Array): boolean {
    const len = payload ? payload.length : 0;
    const off = this.reserve(type, clientId, len);
    if (off < 0) return false;
    if (payload) this.u8.set(payload, off);
    this.commitFrame();
    return true;
  }

  // --- consumer ---------------------------------------------------------------

  /**
   * Visit every published frame: fn(type, clientId, payloadOffset, payloadLen).
   * Frees their space afterwards. Returns the number of frames.
   */
  drain(fn: (type: number, clientId: number, off: number, len: number) => void): number {
    const head = Atomics.load(this.ctl, H);
    let tail = Atomics.load(this.ctl, T);
    let n = 0;
    while (tail !== head) {
      const size = this.dv.getUint32(tail, true);
      if (size === WRAP) {
        tail = 0;
        continue;
      }
      const type = this.dv.getUint32(tail + 4, true);
      const id = this.dv.getUint32(tail + 8, true);
      fn(type, id, tail + HEADER, this.dv.getUint32(tail + 12, true));
      n++;
      tail += size;
      if (tail === this.cap) tail = 0;
    }
    Atomics.store(this.ctl, T, tail);
    return n;
  }

  isEmpty(): boolean {
    return Atomics.load(this.ctl, H) === Atomics.load(this.ctl, T);
  }
}

export class Doorbell {
  readonly i32: Int32Array;
  constructor(readonly sab: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.i32 = new Int32Array(sab);
  }

  /** Wake the owner of this doorbell (a notify only if it sleeps). */
  ring(): void {
    Atomics.add(this.i32, 0, 1);
    if (Atomics.load(this.i32, 1) !== 0) Atomics.notify(this.i32, 0);
  }

  /** Current counter value; read it before checking for work. */
  value(): number {
    return Atomics.load(this.i32, 0);
  }

  /**
   * Sleep until rung after `seen` (the value read before the last check for
   * work), or `timeoutMs`. Returns at once if it was rung meanwhile.
   */
  async wait(seen: number, timeoutMs = Infinity): Promise<void> {
    Atomics.store(this.i32, 1, 1);
    try {
      const r = Atomics.waitAsync(this.i32, 0, seen, timeoutMs);
      if (r.async) await r.value;
    } finally {
      Atomics.store(this.i32, 1, 0);
    }
  }
}
