"""redis-py against a server on 127.0.0.1:PORT (argv[1]), run by tests/clients_test.ts.

Every check runs with redis-py's defaults (whatever protocol this version picks),
with protocol=2 and with protocol=3 (also with legacy_responses=False, the RESP3
shapes), then redis.from_url and the asyncio client. Any wrong reply raises;
the last line printed is "OK <n> checks" on success.
"""

import asyncio
import sys
import time

import redis
import redis.asyncio

PORT = int(sys.argv[1])
checks = 0


def eq(got, want, what):
    global checks
    checks += 1
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def pairs(reply):
    """(member, score) tuples whatever the response shape: RESP2-style tuples,
    RESP3 nested pairs, or one flat pair (ZPOPMIN without a count on RESP3)."""
    if len(reply) == 2 and not isinstance(reply[0], (list, tuple)):
        return [tuple(reply)]
    return [tuple(x) for x in reply]


def client_resp(r):
    info = r.client_info()
    return int(info["resp"])


def sync_checks(make, label, want_resp):
    """make(**kw) returns a client; kw adds options (decode_responses)."""
    r = make()
    r.flushdb()
    eq(client_resp(r), want_resp, f"{label}: CLIENT INFO resp")

    # strings
    eq(r.set("s", "v"), True, f"{label}: set")
    eq(r.get("s"), b"v", f"{label}: get")
    eq(r.get("missing"), None, f"{label}: get missing")
    eq(r.mget("s", "missing"), [b"v", None], f"{label}: mget")
    eq(r.set("s", "w", nx=True), None, f"{label}: set nx on existing")
    eq(r.set("s", "w", get=True), b"v", f"{label}: set get")
    eq(r.incr("n"), 1, f"{label}: incr")
    eq(r.incrbyfloat("f", 1.5), 1.5, f"{label}: incrbyfloat")
    eq(r.set("e", "x", ex=100), True, f"{label}: set ex")
    eq(r.ttl("e"), 100, f"{label}: ttl")
    eq(r.getex("e", persist=True), b"x", f"{label}: getex")
    eq(r.ttl("e"), -1, f"{label}: ttl after persist")
    try:
        r.incr("s")
        raise AssertionError(f"{label}: incr on a non-integer did not fail")
    except redis.ResponseError as e:
        eq(str(e), "value is not an integer or out of range", f"{label}: error text")

    # hashes
    eq(r.hset("h", mapping={"a": "1", "b": "2"}), 2, f"{label}: hset")
    eq(r.hgetall("h"), {b"a": b"1", b"b": b"2"}, f"{label}: hgetall")
    eq(r.hgetall("missing"), {}, f"{label}: hgetall missing")
    eq(r.hget("h", "zz"), None, f"{label}: hget missing field")
    eq(r.hmget("h", "a", "zz"), [b"1", None], f"{label}: hmget")
    eq(r.hincrbyfloat("h", "c", 0.5), 0.5, f"{label}: hincrbyfloat")
    eq(sorted(r.hkeys("h")), [b"a", b"b", b"c"], f"{label}: hkeys")

    # sets
    eq(r.sadd("st", "x", "y", "z"), 3, f"{label}: sadd")
    eq(r.smembers("st"), {b"x", b"y", b"z"}, f"{label}: smembers")
    eq(r.smembers("missing"), set(), f"{label}: smembers missing")
    eq(r.sismember("st", "x"), True, f"{label}: sismember")
    eq(r.sismember("st", "q"), False, f"{label}: sismember absent")
    eq(list(r.smismember("st", ["x", "q"])), [True, False], f"{label}: smismember")
    eq(r.sinter("st", "st"), {b"x", b"y", b"z"}, f"{label}: sinter")

    # sorted sets
    eq(r.zadd("z", {"a": 1, "b": 2.5, "c": float("inf")}), 3, f"{label}: zadd")
    eq(pairs(r.zrange("z", 0, -1, withscores=True)),
       [(b"a", 1.0), (b"b", 2.5), (b"c", float("inf"))], f"{label}: zrange withscores")
    eq(r.zrange("z", 0, 0), [b"a"], f"{label}: zrange")
    eq(pairs(r.zrevrange("z", 0, 0, withscores=True)), [(b"c", float("inf"))],
       f"{label}: zrevrange withscores")
    eq(pairs(r.zrangebyscore("z", 2, 3, withscores=True)), [(b"b", 2.5)],
       f"{label}: zrangebyscore withscores")
    eq(r.zscore("z", "b"), 2.5, f"{label}: zscore")
    eq(r.zscore("z", "zz"), None, f"{label}: zscore missing")
    eq(r.zmscore("z", ["a", "zz"]), [1.0, None], f"{label}: zmscore")
    eq(r.zincrby("z", 1, "a"), 2.0, f"{label}: zincrby")
    eq(pairs(r.zpopmin("z")), [(b"a", 2.0)], f"{label}: zpopmin")
    eq(r.zrank("z", "b"), 0, f"{label}: zrank")

    # lists
    eq(r.rpush("l", "1", "2", "3"), 3, f"{label}: rpush")
    eq(r.lrange("l", 0, -1), [b"1", b"2", b"3"], f"{label}: lrange")
    eq(r.lpop("l"), b"1", f"{label}: lpop")
    eq(r.lpop("missing"), None, f"{label}: lpop missing")
    eq(r.blpop(["missing"], timeout=0.05), None, f"{label}: blpop timeout")
    blp = r.blpop(["missing", "l"], timeout=1)
    eq(tuple(blp), (b"l", b"2"), f"{label}: blpop")

    # pipelines and transactions
    p = r.pipeline(transaction=True)
    p.set("p1", "a").incr("p2").get("p1").hgetall("h").zscore("z", "b")
    eq(p.execute(), [True, 1, b"a", {b"a": b"1", b"b": b"2", b"c": b"0.5"}, 2.5],
       f"{label}: multi/exec pipeline")
    p = r.pipeline(transaction=False)
    p.get("p1").get("missing").smembers("st")
    eq(p.execute(), [b"a", None, {b"x", b"y", b"z"}], f"{label}: plain pipeline")
    with r.pipeline() as p:
        p.watch("w")
        r.set("w", "changed")  # another connection of the pool writes it
        p.multi()
        p.get("w")
        try:
            p.execute()
            raise AssertionError(f"{label}: EXEC after a watched write did not abort")
        except redis.WatchError:
            pass

    # pub/sub
    ps = r.pubsub()
    ps.subscribe("ch")
    msg = ps.get_message(timeout=2)
    eq((msg["type"], msg["channel"], msg["data"]), ("subscribe", b"ch", 1),
       f"{label}: subscribe ack")
    ps.psubscribe("c*")
    msg = ps.get_message(timeout=2)
    eq((msg["type"], msg["channel"], msg["data"]), ("psubscribe", b"c*", 2),
       f"{label}: psubscribe ack")
    eq(r.publish("ch", "hello"), 2, f"{label}: publish receivers")
    got = []
    deadline = time.time() + 3
    while len(got) < 2 and time.time() < deadline:
        m = ps.get_message(timeout=0.5)
        if m is not None:
            got.append((m["type"], m["pattern"], m["channel"], m["data"]))
    eq(got, [("message", None, b"ch", b"hello"), ("pmessage", b"c*", b"ch", b"hello")],
       f"{label}: messages")
    eq(r.pubsub_numsub("ch"), [(b"ch", 1)], f"{label}: pubsub numsub")
    ps.unsubscribe("ch")
    msg = ps.get_message(timeout=2)
    eq((msg["type"], msg["channel"], msg["data"]), ("unsubscribe", b"ch", 1),
       f"{label}: unsubscribe ack")
    ps.close()

    # scan iterators
    r.mset({f"key:{i}": str(i) for i in range(50)})
    eq(set(r.scan_iter(match="key:*", count=7)), {f"key:{i}".encode() for i in range(50)},
       f"{label}: scan_iter")
    eq(set(r.scan_iter(_type="zset")), {b"z"}, f"{label}: scan_iter type")
    eq(dict(r.hscan_iter("h")), {b"a": b"1", b"b": b"2", b"c": b"0.5"}, f"{label}: hscan_iter")
    eq(set(r.sscan_iter("st")), {b"x", b"y", b"z"}, f"{label}: sscan_iter")
    eq([tuple(x) for x in r.zscan_iter("z")], [(b"b", 2.5), (b"c", float("inf"))],
       f"{label}: zscan_iter")

    # decoded responses
    rd = make(decode_responses=True)
    eq(rd.get("s"), "w", f"{label}: decode_responses get")
    eq(rd.hgetall("h"), {"a": "1", "b": "2", "c": "0.5"}, f"{label}: decode_responses hgetall")
    rd.close()
    r.close()


def connect(**options):
    return lambda **kw: redis.Redis(host="127.0.0.1", port=PORT, **options, **kw)


def from_url(url):
    return lambda **kw: redis.from_url(url, **kw)


async def async_checks(label, want_resp, **kw):
    r = redis.asyncio.Redis(host="127.0.0.1", port=PORT, db=5, **kw)
    await r.flushdb()
    eq(int((await r.client_info())["resp"]), want_resp, f"{label}: CLIENT INFO resp")
    eq(await r.set("a", "1"), True, f"{label}: set")
    eq(await r.get("a"), b"1", f"{label}: get")
    eq(await r.get("missing"), None, f"{label}: get missing")
    await r.hset("h", mapping={"f": "v"})
    eq(await r.hgetall("h"), {b"f": b"v"}, f"{label}: hgetall")
    await r.sadd("s", "m")
    eq(await r.smembers("s"), {b"m"}, f"{label}: smembers")
    await r.zadd("z", {"m": 0.5})
    eq(pairs(await r.zrange("z", 0, -1, withscores=True)), [(b"m", 0.5)],
       f"{label}: zrange withscores")
    async with r.pipeline(transaction=True) as p:
        p.incr("n").incr("n").get("n")
        eq(await p.execute(), [1, 2, b"2"], f"{label}: pipeline")
    ps = r.pubsub()
    await ps.subscribe("ach")
    m = await ps.get_message(timeout=2)
    eq((m["type"], m["channel"]), ("subscribe", b"ach"), f"{label}: subscribe ack")
    eq(await r.publish("ach", "x"), 1, f"{label}: publish")
    m = None
    deadline = time.time() + 3
    while m is None and time.time() < deadline:
        m = await ps.get_message(timeout=0.5, ignore_subscribe_messages=True)
    eq((m["type"], m["channel"], m["data"]) if m else None, ("message", b"ach", b"x"),
       f"{label}: message")
    await ps.unsubscribe("ach")
    await ps.aclose()
    keys = set()
    async for k in r.scan_iter(match="*"):
        keys.add(k)
    eq(keys, {b"a", b"h", b"s", b"z", b"n"}, f"{label}: scan_iter")
    await r.aclose()


def main():
    default_resp = int(getattr(redis.utils, "DEFAULT_RESP_VERSION", 2))
    print(f"redis-py {redis.__version__}, default protocol RESP{default_resp}")
    sync_checks(connect(), "defaults", default_resp)
    sync_checks(connect(protocol=2), "protocol=2", 2)
    sync_checks(connect(protocol=3), "protocol=3", 3)
    sync_checks(connect(protocol=3, legacy_responses=False), "protocol=3 unified", 3)

    url = f"redis://127.0.0.1:{PORT}"
    sync_checks(from_url(f"{url}/2"), "from_url", default_resp)
    sync_checks(from_url(f"{url}/3?protocol=3"), "from_url protocol=3", 3)
    sync_checks(from_url(f"{url}/4?protocol=2"), "from_url protocol=2", 2)

    asyncio.run(async_checks("asyncio defaults", default_resp))
    asyncio.run(async_checks("asyncio protocol=3", 3, protocol=3))
    asyncio.run(async_checks("asyncio protocol=2", 2, protocol=2))
    print(f"OK {checks} checks")


if __name__ == "__main__":
    main()
