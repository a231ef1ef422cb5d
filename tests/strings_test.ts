// The string command family against a real redis-server 7.0: the same
// commands must get byte-identical RESP replies. Replication rewrites, TTLs,
// keyspace stats and WRONGTYPE (which needs another type) are checked on an
// in-process owner, whose replies are compared with redis-server's too.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Buffer } from "node:buffer";
import { type ServerProc, startRealRedis, startServer } from "./helpers.ts";
import { inProcess, RawConn } from "./rawconn.ts";
import type { RedisObject } from "../server/keyspace/db.ts";
import { stringEncoding } from "../server/commands/strings.ts";

// --- the command lists compared with redis-server --------------------------------

const LLMAX = "9223372036854775807";
const LLMIN = "-9223372036854775808";

const CASES: [string, string][][] = [];
function group(name: string, lines: string[][]): void {
  CASES.push([
    [name, ""],
    ...lines.map((l) => [l.join(" "), JSON.stringify(l)] as [string, string]),
  ]);
}
const c = (...a: string[]) => a;

group("GET / SET basics", [
  c("GET", "nokey"),
  c("SET", "k", "v"),
  c("GET", "k"),
  c("SET", "k", ""),
  c("GET", "k"),
  c("SET", "bin", "\x00\xff\r\n binary \x80"),
  c("GET", "bin"),
  c("STRLEN", "bin"),
  c("STRLEN", "nokey"),
  c("SET", "k"),
  c("GET"),
  c("GET", "a", "b"),
  c("STRLEN"),
  c("set", "K", "upper"),
  c("get", "K"),
]);

group("SET options", [
  c("SET", "k", "v", "NX"),
  c("SET", "k2", "v", "NX"),
  c("SET", "k", "v1", "XX"),
  c("SET", "k3", "v", "XX"),
  c("GET", "k3"),
  c("SET", "k", "v", "NX", "XX"),
  c("SET", "k", "v", "XX", "NX"),
  c("SET", "k", "v", "nx", "nx"),
  c("SET", "k", "v", "xx", "xx"),
  c("SET", "k", "v2", "GET"),
  c("SET", "k4", "v", "GET"),
  c("SET", "k", "v3", "NX", "GET"),
  c("SET", "k5", "v", "XX", "GET"),
  c("SET", "k", "v4", "XX", "GET"),
  c("SET", "k", "v", "get", "get"),
  c("SET", "k", "v", "KEEPTTL"),
  c("SET", "k", "v", "KEEPTTL", "EX", "10"),
  c("SET", "k", "v", "EX", "10", "KEEPTTL"),
  c("SET", "k", "v", "KEEPTTL", "KEEPTTL"),
  c("SET", "k", "v", "EX"),
  c("SET", "k", "v", "PX"),
  c("SET", "k", "v", "EXAT"),
  c("SET", "k", "v", "PXAT"),
  c("SET", "k", "v", "EX", "10", "PX", "10"),
  c("SET", "k", "v", "EX", "10", "EX", "20"),
  c("SET", "k", "v", "PX", "10000", "PX", "20000"),
  c("SET", "k", "v", "EXAT", "9999999999", "PXAT", "9999999999999"),
  c("SET", "k", "v", "PXAT", "9999999999999", "EXAT", "9999999999"),
  c("SET", "k", "v", "PERSIST"),
  c("SET", "k", "v", "FOO"),
  c("SET", "k", "v", "EX", "10", "FOO"),
  c("SET", "k", "v", "ex", "100", "nx"),
  c("SET", "k", "v", "Ex", "100", "xX"),
  c("SET", "k", "v", "eX", "100", "GET"),
  c("SET", "k", "v", "px", "100000", "get", "xx"),
  c("SET", "k", "v", "exat", "9999999999"),
  c("SET", "k", "v", "pxat", "9999999999999"),
  c("GET", "k"),
]);

group("SET expire errors", [
  c("SET", "k", "v", "EX", "0"),
  c("SET", "k", "v", "EX", "-1"),
  c("SET", "k", "v", "PX", "0"),
  c("SET", "k", "v", "PX", "-100"),
  c("SET", "k", "v", "EXAT", "0"),
  c("SET", "k", "v", "PXAT", "-5"),
  c("SET", "k", "v", "EX", "abc"),
  c("SET", "k", "v", "EX", "1.5"),
  c("SET", "k", "v", "EX", ""),
  c("SET", "k", "v", "EX", " 1"),
  c("SET", "k", "v", "EX", "+1"),
  c("SET", "k", "v", "EX", "01"),
  c("SET", "k", "v", "EX", "9223372036854775"),
  c("SET", "k", "v", "EX", "9223372036854776"),
  c("SET", "k", "v", "EX", "99999999999999999999"),
  c("SET", "k", "v", "EX", LLMAX),
  c("SET", "k", "v", "PX", LLMAX),
  c("SET", "k", "v", "PX", "9223370000000000000"),
  c("SET", "k", "v", "PXAT", LLMAX),
  c("SET", "k", "v", "EXAT", "9223372036854775"),
  c("SET", "k", "v", "EXAT", "9223372036854776"),
  c("SET", "k", "v", "EX", "0", "NX", "FOO"),
  c("SET", "k", "v", "EX", "0", "GET"),
  c("SET", "k", "v", "EXAT", "1"),
  c("GET", "k"),
  c("SET", "k2", "v", "PXAT", "1", "GET"),
  c("GET", "k2"),
  c("SETNX", "k2", "again"),
]);

group("SETNX SETEX PSETEX", [
  c("SETNX", "n", "1"),
  c("SETNX", "n", "2"),
  c("GET", "n"),
  c("SETNX", "n"),
  c("SETEX", "s", "10", "v"),
  c("GET", "s"),
  c("SETEX", "s", "0", "v"),
  c("SETEX", "s", "-1", "v"),
  c("SETEX", "s", "abc", "v"),
  c("SETEX", "s", "9223372036854775", "v"),
  c("SETEX", "s", "9223372036854776", "v"),
  c("SETEX", "s", "10"),
  c("PSETEX", "p", "100000", "v"),
  c("GET", "p"),
  c("PSETEX", "p", "0", "v"),
  c("PSETEX", "p", "-3", "v"),
  c("PSETEX", "p", LLMAX, "v"),
  c("PSETEX", "p", "1.5", "v"),
]);

group("GETSET GETDEL", [
  c("GETSET", "gs", "a"),
  c("GETSET", "gs", "b"),
  c("GET", "gs"),
  c("GETSET", "gs"),
  c("GETDEL", "gs"),
  c("GETDEL", "gs"),
  c("GET", "gs"),
  c("GETDEL", "gs", "x"),
]);

group("GETEX", [
  c("GETEX", "nokey"),
  c("GETEX", "nokey", "EX", "0"),
  c("GETEX", "nokey", "EX", "abc"),
  c("GETEX", "nokey", "FOO"),
  c("SET", "e", "v"),
  c("GETEX", "e"),
  c("GETEX", "e", "EX", "100"),
  c("GETEX", "e", "PX", "100000"),
  c("GETEX", "e", "EXAT", "9999999999"),
  c("GETEX", "e", "PXAT", "9999999999999"),
  c("GETEX", "e", "PERSIST"),
  c("GETEX", "e", "persist"),
  c("GETEX", "e", "PERSIST", "EX", "10"),
  c("GETEX", "e", "EX", "10", "PERSIST"),
  c("GETEX", "e", "EX"),
  c("GETEX", "e", "EX", "0"),
  c("GETEX", "e", "EX", "-3"),
  c("GETEX", "e", "PX", "0"),
  c("GETEX", "e", "EX", "abc"),
  c("GETEX", "e", "NX"),
  c("GETEX", "e", "XX"),
  c("GETEX", "e", "KEEPTTL"),
  c("GETEX", "e", "GET"),
  c("GETEX", "e", "EX", "10", "EX", "20"),
  c("GETEX", "e", "EX", "10", "PX", "20"),
  c("GETEX", "e", "PERSIST", "PERSIST"),
  c("GETEX", "e", "EX", "9223372036854775"),
  c("GETEX", "e", "PX", LLMAX),
  c("GETEX", "e", "PXAT", LLMAX),
  c("GETEX", "e", "EXAT", "1"),
  c("GET", "e"),
  c("GETEX", "e"),
  c("SET", "e", "w"),
  c("GETEX", "e", "PXAT", "1"),
  c("GET", "e"),
  c("GETEX"),
]);

group("MGET MSET MSETNX", [
  c("MGET", "a", "b", "c"),
  c("MSET", "a", "1", "b", "2"),
  c("MGET", "a", "b", "c", "a"),
  c("MSET", "a"),
  c("MSET", "a", "b", "c"),
  c("MSET", "a", "b", "c", "d", "e", "f"),
  c("MGET", "a", "c", "e"),
  c("MSETNX", "a", "1", "x", "2"),
  c("MGET", "x"),
  c("MSETNX", "x", "1", "y", "2"),
  c("MGET", "x", "y"),
  c("MSETNX", "x"),
  c("MSETNX", "x", "1", "z"),
  c("MSETNX", "z", "1", "z", "2"),
  c("GET", "z"),
  c("MSET", "dup", "1", "dup", "2"),
  c("GET", "dup"),
  c("MGET"),
]);

group("APPEND", [
  c("APPEND", "ap", "hello"),
  c("APPEND", "ap", " world"),
  c("APPEND", "ap", ""),
  c("GET", "ap"),
  c("APPEND", "ap2", ""),
  c("GET", "ap2"),
  c("STRLEN", "ap2"),
  c("SET", "num", "10"),
  c("APPEND", "num", "5"),
  c("INCR", "num"),
  c("APPEND", "bin", "\x00\x01"),
  c("APPEND", "bin", "\xff"),
  c("GET", "bin"),
  c("APPEND", "ap"),
]);

group("GETRANGE SUBSTR", [
  c("SET", "r", "This is a string"),
  c("GETRANGE", "r", "0", "3"),
  c("GETRANGE", "r", "-3", "-1"),
  c("GETRANGE", "r", "0", "-1"),
  c("GETRANGE", "r", "10", "100"),
  c("GETRANGE", "r", "5", "3"),
  c("GETRANGE", "r", "-1", "-5"),
  c("GETRANGE", "r", "-100", "-50"),
  c("GETRANGE", "r", "-100", "100"),
  c("GETRANGE", "r", "-100", "-16"),
  c("GETRANGE", "r", "100", "200"),
  c("GETRANGE", "r", "0", "0"),
  c("GETRANGE", "r", "-1", "0"),
  c("GETRANGE", "r", "15", "15"),
  c("GETRANGE", "r", "16", "16"),
  c("GETRANGE", "nokey", "0", "-1"),
  c("GETRANGE", "nokey", "a", "-1"),
  c("GETRANGE", "r", "a", "1"),
  c("GETRANGE", "r", "0", "b"),
  c("GETRANGE", "r", "0", "1.5"),
  c("GETRANGE", "r", LLMAX, LLMIN),
  c("GETRANGE", "r", LLMIN, LLMAX),
  c("GETRANGE", "r", "0", "99999999999999999999"),
  c("SUBSTR", "r", "0", "3"),
  c("SUBSTR", "r", "-6", "-1"),
  c("SET", "empty", ""),
  c("GETRANGE", "empty", "0", "-1"),
  c("GETRANGE", "empty", "0", "0"),
  c("GETRANGE", "empty", "-1", "-1"),
  c("SET", "i", "12345"),
  c("GETRANGE", "i", "1", "2"),
  c("GETRANGE", "r", "0"),
  c("SUBSTR", "r", "0"),
]);

group("SETRANGE", [
  c("SETRANGE", "sr", "0", ""),
  c("SETRANGE", "sr", "5", ""),
  c("GET", "sr"),
  c("SETRANGE", "sr", "5", "abc"),
  c("GET", "sr"),
  c("SETRANGE", "sr", "0", "XY"),
  c("GET", "sr"),
  c("SETRANGE", "sr", "7", "12345"),
  c("GET", "sr"),
  c("SETRANGE", "sr", "2", ""),
  c("SETRANGE", "sr", "12", "!"),
  c("GET", "sr"),
  c("SETRANGE", "sr", "-1", "x"),
  c("SETRANGE", "sr", "-1", ""),
  c("SETRANGE", "sr", "abc", "x"),
  c("SETRANGE", "sr", "1.5", "x"),
  c("SETRANGE", "sr", "536870912", "x"),
  c("SETRANGE", "sr", "536870911", "xy"),
  c("SETRANGE", "sr", "536870911", ""),
  c("SETRANGE", "new", "536870912", "x"),
  c("SETRANGE", "new", "536870912", ""),
  c("SETRANGE", "sr", LLMAX, "x"),
  c("SETRANGE", "sr", "99999999999999999999", "x"),
  c("SETRANGE", "nn", "3", "ab"),
  c("GET", "nn"),
  c("SET", "num", "12345"),
  c("SETRANGE", "num", "1", "9"),
  c("GET", "num"),
  c("INCR", "num"),
  c("SETRANGE", "sr", "0"),
]);

group("INCR DECR INCRBY DECRBY", [
  c("INCR", "i"),
  c("INCR", "i"),
  c("DECR", "i"),
  c("INCRBY", "i", "10"),
  c("INCRBY", "i", "-20"),
  c("DECRBY", "i", "5"),
  c("DECRBY", "i", "-5"),
  c("GET", "i"),
  c("INCRBY", "i", "abc"),
  c("INCRBY", "i", "1.5"),
  c("INCRBY", "i", ""),
  c("INCRBY", "i", " 1"),
  c("INCRBY", "i", "+1"),
  c("INCRBY", "i", "01"),
  c("INCRBY", "i", "-0"),
  c("INCRBY", "i", "0"),
  c("DECRBY", "i", "x"),
  c("SET", "i", "9223372036854775806"),
  c("INCR", "i"),
  c("INCR", "i"),
  c("GET", "i"),
  c("SET", "i", "-9223372036854775807"),
  c("DECR", "i"),
  c("DECR", "i"),
  c("INCRBY", "i", "-1"),
  c("INCRBY", "i", LLMAX),
  c("INCRBY", "i", LLMAX),
  c("SET", "i", LLMAX),
  c("INCRBY", "i", LLMAX),
  c("INCRBY", "i", LLMIN),
  c("DECRBY", "i", LLMIN),
  c("DECRBY", "i", LLMAX),
  c("DECRBY", "i", "9223372036854775808"),
  c("INCRBY", "i", "9223372036854775808"),
  c("SET", "i", "12345678901234567"),
  c("INCR", "i"),
  c("INCRBY", "i", "9007199254740993"),
  c("DECRBY", "i", "9007199254740993"),
  c("SET", "i", "9007199254740991"),
  c("INCR", "i"),
  c("INCR", "i"),
  c("SET", "i", "-9007199254740991"),
  c("DECR", "i"),
  c("DECR", "i"),
  c("SET", "i", "999999999999999"),
  c("INCR", "i"),
  c("INCR", "i"),
  c("SET", "i", "1.5"),
  c("INCR", "i"),
  c("SET", "i", " 1"),
  c("INCR", "i"),
  c("SET", "i", "1 "),
  c("INCR", "i"),
  c("SET", "i", "-0"),
  c("INCR", "i"),
  c("SET", "i", "00"),
  c("DECR", "i"),
  c("SET", "i", "0"),
  c("DECR", "i"),
  c("SET", "i", ""),
  c("INCR", "i"),
  c("SET", "i", "-"),
  c("INCR", "i"),
  c("SET", "i", "99999999999999999999"),
  c("INCR", "i"),
  c("SET", "i", LLMIN),
  c("DECR", "i"),
  c("INCR", "i"),
  c("INCRBY", "nk", LLMIN),
  c("DECRBY", "nk2", "-9223372036854775807"),
  c("DECRBY", "nk2", "1"),
  c("INCRBY", "i"),
  c("INCR"),
]);

group("INCRBYFLOAT", [
  c("SET", "f", "10.5"),
  c("INCRBYFLOAT", "f", "0.1"),
  c("SET", "f", "5.0e3"),
  c("INCRBYFLOAT", "f", "2.0e2"),
  c("INCRBYFLOAT", "f", "0"),
  c("INCRBYFLOAT", "nf", "3.0e3"),
  c("INCRBYFLOAT", "nf2", "1"),
  c("INCRBYFLOAT", "nf2", "1e-20"),
  c("INCRBYFLOAT", "nf2", "-1"),
  c("INCRBYFLOAT", "nf2", "-1e-18"),
  c("INCRBYFLOAT", "nf2", "-5e-18"),
  c("INCRBYFLOAT", "nf3", "1.5"),
  c("INCRBYFLOAT", "nf3", "-1.5"),
  c("INCRBYFLOAT", "nf3", "-0"),
  c("INCRBYFLOAT", "nf4", "0.1"),
  c("INCRBYFLOAT", "nf4", "0.2"),
  c("INCRBYFLOAT", "nf4", "0.3"),
  c("INCRBYFLOAT", "nf4", "-0.6"),
  c("INCRBYFLOAT", "x", "inf"),
  c("INCRBYFLOAT", "x", "-inf"),
  c("INCRBYFLOAT", "x", "+Infinity"),
  c("INCRBYFLOAT", "x", "INF"),
  c("INCRBYFLOAT", "x", "infin"),
  c("INCRBYFLOAT", "x", "nan"),
  c("INCRBYFLOAT", "x", "abc"),
  c("INCRBYFLOAT", "x", ""),
  c("INCRBYFLOAT", "x", " 1"),
  c("INCRBYFLOAT", "x", "\t1"),
  c("INCRBYFLOAT", "x", "1 "),
  c("INCRBYFLOAT", "x", "1e"),
  c("INCRBYFLOAT", "x", "1e+"),
  c("INCRBYFLOAT", "x", "."),
  c("INCRBYFLOAT", "x", "e5"),
  c("INCRBYFLOAT", "x", "+5"),
  c("INCRBYFLOAT", "x", "-.5"),
  c("INCRBYFLOAT", "x", "5."),
  c("INCRBYFLOAT", "x", "0x10"),
  c("INCRBYFLOAT", "x", "0x1.8p1"),
  c("INCRBYFLOAT", "x", "0X.8"),
  c("INCRBYFLOAT", "x", "0x"),
  c("INCRBYFLOAT", "x", "0x1p"),
  c("INCRBYFLOAT", "x", "1_0"),
  c("INCRBYFLOAT", "x", "1e308"),
  c("INCRBYFLOAT", "y", "1e309"),
  c("INCRBYFLOAT", "y", "-1e309"),
  c("INCRBYFLOAT", "y", "1e4933"),
  c("INCRBYFLOAT", "y", "1e-5000"),
  c("INCRBYFLOAT", "y", "1e-4950"),
  c("INCRBYFLOAT", "y", "1e-400"),
  c("INCRBYFLOAT", "y", "0e99999"),
  c("INCRBYFLOAT", "y", "1e-99999999999"),
  c("INCRBYFLOAT", "y", "1e99999999999"),
  c("SET", "big", "1e4932"),
  c("INCRBYFLOAT", "big", "1e4932"),
  c("INCRBYFLOAT", "big", "-1e4932"),
  c("INCRBYFLOAT", "z", "1\x00abc"),
  c("INCRBYFLOAT", "z", "\x00"),
  c("INCRBYFLOAT", "z", "1\x00"),
  c("SET", "z", "5\x00x"),
  c("INCRBYFLOAT", "z", "1"),
  c("SET", "s", "abc"),
  c("INCRBYFLOAT", "s", "1"),
  c("SET", "s", ""),
  c("INCRBYFLOAT", "s", "1"),
  c("SET", "s", "inf"),
  c("INCRBYFLOAT", "s", "1"),
  c("SET", "s", "123"),
  c("INCRBYFLOAT", "s", "abc"),
  c("INCRBYFLOAT", "s", "1.1"),
  c("INCRBYFLOAT", "s", "0.000000000000000001"),
  c("INCRBYFLOAT", "s", "123456789012345678901234567890"),
  c("INCRBYFLOAT", "s", "-123456789012345678901234567890"),
  c("INCRBYFLOAT", "s", "3.14159265358979323846264338327950288"),
  c("INCRBYFLOAT", "s", "-0.0000000000000000049"),
  c("INCRBYFLOAT", "s", "1.00000000000000000000000000000000000000000000001"),
  c("INCRBYFLOAT", "s"),
]);

group("LCS", [
  c("MSET", "a", "ohmytext", "b", "mynewtext"),
  c("LCS", "a", "b"),
  c("LCS", "a", "b", "LEN"),
  c("LCS", "a", "b", "len"),
  c("LCS", "a", "b", "IDX"),
  c("LCS", "a", "b", "IDX", "MINMATCHLEN", "4"),
  c("LCS", "a", "b", "IDX", "WITHMATCHLEN"),
  c("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
  c("LCS", "a", "b", "WITHMATCHLEN"),
  c("LCS", "a", "b", "MINMATCHLEN", "2"),
  c("LCS", "a", "b", "LEN", "IDX"),
  c("LCS", "a", "b", "IDX", "LEN"),
  c("LCS", "a", "b", "FOO"),
  c("LCS", "a", "b", "MINMATCHLEN"),
  c("LCS", "a", "b", "MINMATCHLEN", "abc"),
  c("LCS", "a", "b", "IDX", "MINMATCHLEN", "-5"),
  c("LCS", "a", "nokey"),
  c("LCS", "nokey", "a", "IDX"),
  c("LCS", "nokey", "nokey2", "IDX", "WITHMATCHLEN"),
  c("LCS", "nokey", "nokey", "LEN"),
  c("LCS", "a", "a", "IDX", "WITHMATCHLEN"),
  c("MSET", "c", "abcabcabc", "d", "cbacbacba"),
  c("LCS", "c", "d"),
  c("LCS", "c", "d", "IDX", "WITHMATCHLEN"),
  c("LCS", "d", "c", "IDX", "WITHMATCHLEN"),
  c("MSET", "e", "\x00\xff\x00", "f", "\xff\x00"),
  c("LCS", "e", "f"),
  c("LCS", "a"),
]);

function randomString(alphabet: string, max: number): string {
  let s = "";
  const n = Math.floor(Math.random() * (max + 1));
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function randomFloat(): string {
  const r = Math.random();
  const digits = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789"[Math.floor(Math.random() * 10)];
    return s;
  };
  const sign = Math.random() < 0.3 ? "-" : "";
  if (r < 0.3) {
    return sign + digits(1 + Math.floor(Math.random() * 4)) + "." +
      digits(1 + Math.floor(Math.random() * 3));
  }
  if (r < 0.5) return sign + "0." + digits(1 + Math.floor(Math.random() * 25));
  if (r < 0.7) {
    return sign + digits(1 + Math.floor(Math.random() * 3)) + "e" +
      (Math.random() < 0.5 ? "-" : "") + Math.floor(Math.random() * 40);
  }
  if (r < 0.85) return sign + digits(1 + Math.floor(Math.random() * 22));
  return sign + String(Math.random() * 10 ** Math.floor(Math.random() * 30 - 15));
}

// --- in-process owner ---------------------------------------------------------------

const fakeList: RedisObject = { type: "list", encoding: () => "listpack" };

const WRONGTYPE_CMDS: string[][] = [
  c("GET", "l"),
  c("SET", "l", "v", "GET"),
  c("SET", "l", "v", "EX", "0", "GET"),
  c("SET", "l", "v", "FOO", "GET"),
  c("SET", "l", "v", "NX", "GET"),
  c("GETSET", "l", "v"),
  c("GETDEL", "l"),
  c("GETEX", "l"),
  c("GETEX", "l", "EX", "0"),
  c("GETEX", "l", "FOO"),
  c("MGET", "a", "l", "b"),
  c("APPEND", "l", "x"),
  c("APPEND", "l", ""),
  c("STRLEN", "l"),
  c("GETRANGE", "l", "0", "-1"),
  c("GETRANGE", "l", "x", "-1"),
  c("SETRANGE", "l", "0", "x"),
  c("SETRANGE", "l", "0", ""),
  c("SETRANGE", "l", "-1", "x"),
  c("INCR", "l"),
  c("DECR", "l"),
  c("INCRBY", "l", "5"),
  c("INCRBY", "l", "x"),
  c("DECRBY", "l", "5"),
  c("DECRBY", "l", LLMIN),
  c("INCRBYFLOAT", "l", "1.5"),
  c("INCRBYFLOAT", "l", "x"),
  c("LCS", "a", "l"),
  c("LCS", "l", "a", "FOO"),
  c("LCS", "a", "b", "LEN", "IDX"),
  c("MSETNX", "a", "1", "l", "2"),
  c("SETNX", "l", "1"),
  c("SET", "l", "v", "NX"),
  c("GET", "a"),
  c("SET", "l", "now a string"),
  c("GET", "l"),
];

// --- the tests ------------------------------------------------------------------------

Deno.test({
  name: "string commands",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    let a: RawConn | null = null, b: RawConn | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      [a, b] = await Promise.all([RawConn.open(ours.port), RawConn.open(real.port)]);
      const both = async (cmds: string[][]) => {
        const [x, y] = await Promise.all([a!.pipeline(cmds), b!.pipeline(cmds)]);
        return [x, y];
      };
      const compare = async (cmds: string[][]) => {
        const [x, y] = await both([c("FLUSHALL"), ...cmds]);
        for (let i = 0; i < y.length; i++) {
          const label = i === 0 ? "FLUSHALL" : JSON.stringify(cmds[i - 1]);
          assert.equal(x[i], y[i], `reply to ${label}`);
        }
      };

      for (const g of CASES) {
        await t.step(`same replies as redis-server: ${g[0][0]}`, async () => {
          await compare(g.slice(1).map(([, json]) => JSON.parse(json)));
        });
      }

      await t.step("APPEND / SETRANGE over proto-max-bulk-len", async () => {
        const cfg = (v: string) => c("CONFIG", "SET", "proto-max-bulk-len", v);
        try {
          await compare([
            cfg("1mb"),
            c("SETRANGE", "k", "1048575", "x"),
            c("STRLEN", "k"),
            c("APPEND", "k", "y"),
            c("SETRANGE", "k", "1048575", "yz"),
            c("SETRANGE", "k", "1048575", "z"),
            c("GETRANGE", "k", "-1", "-1"),
            c("SETRANGE", "new", "1048576", "z"),
            c("APPEND", "k", ""),
            c("STRLEN", "k"),
          ]);
        } finally {
          await both([cfg("512mb"), c("FLUSHALL")]);
        }
      });

      await t.step("INCRBYFLOAT: random values, same results as redis-server", async () => {
        const cmds: string[][] = [];
        for (let i = 0; i < 400; i++) {
          const key = "f" + (i % 7);
          if (i % 23 === 0) cmds.push(c("SET", key, randomFloat()));
          cmds.push(c("INCRBYFLOAT", key, randomFloat()));
        }
        await compare(cmds);
      });

      await t.step("LCS: random strings, same results as redis-server", async () => {
        const cmds: string[][] = [];
        for (let i = 0; i < 150; i++) {
          cmds.push(c("MSET", "a", randomString("abc", 25), "b", randomString("abcd", 25)));
          cmds.push(c("LCS", "a", "b"));
          cmds.push(c("LCS", "a", "b", "LEN"));
          cmds.push(c("LCS", "a", "b", "IDX", "WITHMATCHLEN"));
          cmds.push(c("LCS", "b", "a", "IDX", "MINMATCHLEN", String(i % 4)));
        }
        await compare(cmds);
      });

      await t.step("INCR / INCRBY: random steps near and far from the limits", async () => {
        const cmds: string[][] = [];
        const steps = [
          "1",
          "-1",
          "1000",
          LLMAX,
          LLMIN,
          "4611686018427387904",
          "-4611686018427387904",
        ];
        for (let i = 0; i < 200; i++) {
          if (i % 17 === 0) {
            cmds.push(c("SET", "n", ["9223372036854775000", "-9223372036854775000", "0"][i % 3]));
          }
          const s = steps[Math.floor(Math.random() * steps.length)];
          cmds.push(c(Math.random() < 0.5 ? "INCRBY" : "DECRBY", "n", s));
          cmds.push(c(Math.random() < 0.5 ? "INCR" : "DECR", "n"));
        }
        await compare(cmds);
      });

      await t.step("ioredis", async () => {
        const r = new Redis({ port: ours!.port, lazyConnect: false });
        try {
          assert.equal(await r.flushall(), "OK");
          assert.equal(await r.set("name", "redis", "EX", 100), "OK");
          assert.equal(await r.get("name"), "redis");
          assert.equal(await r.set("name", "x", "NX"), null);
          assert.equal(await r.set("name", "y", "XX", "GET"), "redis");
          assert.equal(await r.setnx("n", "1"), 1);
          assert.equal(await r.incr("n"), 2);
          assert.equal(await r.incrby("n", 40), 42);
          assert.equal(await r.decrby("n", 2), 40);
          assert.equal(await r.incrbyfloat("n", "0.5"), "40.5");
          assert.equal(await r.mset({ a: "1", b: "2" }), "OK");
          assert.deepEqual(await r.mget("a", "b", "c"), ["1", "2", null]);
          assert.equal(await r.msetnx("c", "3", "a", "0"), 0);
          assert.equal(await r.append("a", "23"), 3);
          assert.equal(await r.getrange("a", 1, -1), "23");
          assert.equal(await r.setrange("a", 1, "xx"), 3);
          assert.equal(await r.strlen("a"), 3);
          assert.equal(await r.getset("a", "new"), "1xx");
          assert.equal(await r.getex("a", "PX", 100000), "new");
          assert.equal(await r.getdel("a"), "new");
          assert.equal(await r.get("a"), null);
          await r.mset({ k1: "ohmytext", k2: "mynewtext" });
          assert.equal(await r.call("LCS", "k1", "k2"), "mytext");
          assert.equal(await r.call("LCS", "k1", "k2", "LEN"), 6);
          const buf = Buffer.from([0, 255, 128, 10]);
          await r.set("bin", buf);
          assert.deepEqual(await r.getBuffer("bin"), buf);
          const p = await r.pipeline().incr("p").incr("p").get("p").exec();
          assert.deepEqual(p, [[null, 1], [null, 2], [null, "2"]]);
          await assert.rejects(r.incr("name"), /ERR value is not an integer or out of range/);
        } finally {
          r.disconnect();
        }
      });

      await t.step("WRONGTYPE and friends: in-process owner vs redis-server", async () => {
        const [y] = await Promise.all([b!.pipeline([
          c("FLUSHALL"),
          c("RPUSH", "l", "a"),
          ...WRONGTYPE_CMDS,
        ])]);
        const o = inProcess();
        o.client.db.set("l", fakeList);
        const x = ["+OK\r\n", ":1\r\n", ...WRONGTYPE_CMDS.map((cmd) => o.run(...cmd))];
        for (let i = 2; i < y.length; i++) {
          assert.equal(x[i], y[i], `reply to ${JSON.stringify(WRONGTYPE_CMDS[i - 2])}`);
        }
        // failed writes neither propagate nor count as changes
        assert.deepEqual(o.propagated, [["SET", "l", "now a string"]]);
      });
    } finally {
      await a?.close();
      await b?.close();
      await ours?.stop();
      await real?.stop();
    }
  },
});

Deno.test("replication rewrites, TTLs and dirty counts", () => {
  const o = inProcess();
  const db = o.client.db;
  const expectProp = (argv: string[], ...expected: string[][]) => {
    o.propagated.length = 0;
    const before = Date.now();
    o.run(...argv);
    const after = Date.now();
    assert.equal(o.propagated.length, expected.length, `propagation of ${argv.join(" ")}`);
    expected.forEach((e, i) => {
      const got = o.propagated[i];
      // "~N": a relative expire; the time must be now + N ms
      assert.equal(got.length, e.length, `${got.join(" ")} vs ${e.join(" ")}`);
      e.forEach((w, j) => {
        if (w.startsWith("~")) {
          const v = Number(got[j]), d = Number(w.slice(1));
          assert.ok(v >= before + d && v <= after + d, `${got.join(" ")} ~ ${e.join(" ")}`);
        } else assert.equal(got[j], w, `${got.join(" ")} vs ${e.join(" ")}`);
      });
    });
  };

  expectProp(c("SET", "a", "1"), ["SET", "a", "1"]);
  expectProp(c("set", "a", "1", "get"), ["set", "a", "1"]);
  expectProp(c("set", "a", "get", "GET", "xx", "Get"), ["set", "a", "get", "xx"]);
  expectProp(c("SET", "a", "2", "EX", "100"), ["SET", "a", "2", "PXAT", "~100000"]);
  expectProp(c("set", "a", "3", "px", "5000", "get"), ["SET", "a", "3", "PXAT", "~5000"]);
  expectProp(c("SET", "a", "4", "EXAT", "9999999999"), [
    "SET",
    "a",
    "4",
    "PXAT",
    "9999999999000",
  ]);
  assert.equal(db.getExpire("a"), 9999999999000);
  expectProp(c("SET", "a", "5", "PXAT", "9999999999001"), [
    "SET",
    "a",
    "5",
    "PXAT",
    "9999999999001",
  ]);
  expectProp(c("SET", "a", "6", "KEEPTTL"), ["SET", "a", "6", "KEEPTTL"]);
  assert.equal(db.getExpire("a"), 9999999999001);
  expectProp(c("SET", "a", "7"), ["SET", "a", "7"]);
  assert.equal(db.getExpire("a"), undefined);
  // EXAT near the 64-bit limit: exact digits in the stream
  expectProp(c("SET", "a", "8", "EXAT", "9223372036854775"), [
    "SET",
    "a",
    "8",
    "PXAT",
    "9223372036854775000",
  ]);
  expectProp(c("SET", "a", "v", "NX"));
  expectProp(c("SET", "nx", "v", "NX"), ["SET", "nx", "v", "NX"]);
  expectProp(c("SET", "nope", "v", "XX"));
  expectProp(c("SET", "a", "v", "EX", "0"));
  expectProp(c("SETNX", "a", "v"));
  expectProp(c("SETNX", "b", "v"), ["SETNX", "b", "v"]);
  expectProp(c("SETEX", "b", "100", "v"), ["SET", "b", "v", "PXAT", "~100000"]);
  expectProp(c("PSETEX", "b", "100", "v"), ["SET", "b", "v", "PXAT", "~100"]);
  expectProp(c("GETSET", "b", "w"), ["SET", "b", "w"]);
  assert.equal(db.getExpire("b"), undefined);
  expectProp(c("GETDEL", "b"), ["DEL", "b"]);
  expectProp(c("GETDEL", "b"));
  expectProp(c("SET", "g", "v"), ["SET", "g", "v"]);
  expectProp(c("GETEX", "g"));
  expectProp(c("GETEX", "g", "PERSIST"));
  expectProp(c("GETEX", "g", "EX", "100"), ["PEXPIREAT", "g", "~100000"]);
  expectProp(c("GETEX", "g", "PX", "100"), ["PEXPIREAT", "g", "~100"]);
  expectProp(c("GETEX", "g", "EXAT", "9999999999"), ["PEXPIREAT", "g", "9999999999000"]);
  expectProp(c("GETEX", "g", "PXAT", "9999999999123"), ["PEXPIREAT", "g", "9999999999123"]);
  assert.equal(db.getExpire("g"), 9999999999123);
  expectProp(c("GETEX", "g", "PERSIST"), ["PERSIST", "g"]);
  assert.equal(db.getExpire("g"), undefined);
  expectProp(c("GETEX", "g", "EXAT", "1"), ["DEL", "g"]);
  assert.equal(db.get("g"), undefined);
  expectProp(c("GETEX", "g", "EX", "10"));
  expectProp(c("MSET", "m1", "1", "m2", "2"), ["MSET", "m1", "1", "m2", "2"]);
  expectProp(c("MSETNX", "m1", "1", "m3", "2"));
  expectProp(c("MSETNX", "m3", "1", "m4", "2"), ["MSETNX", "m3", "1", "m4", "2"]);
  expectProp(c("APPEND", "m1", "x"), ["APPEND", "m1", "x"]);
  expectProp(c("APPEND", "m1", ""), ["APPEND", "m1", ""]);
  expectProp(c("SETRANGE", "m1", "0", ""));
  expectProp(c("SETRANGE", "m1", "0", "y"), ["SETRANGE", "m1", "0", "y"]);
  expectProp(c("INCR", "i"), ["INCR", "i"]);
  expectProp(c("INCRBY", "i", "x"));
  expectProp(c("SET", "f", "10.5", "PX", "100000"), ["SET", "f", "10.5", "PXAT", "~100000"]);
  const ttl = db.getExpire("f");
  expectProp(c("INCRBYFLOAT", "f", "0.1"), ["SET", "f", "10.6", "KEEPTTL"]);
  assert.equal(db.getExpire("f"), ttl);
  expectProp(c("INCRBYFLOAT", "f", "abc"));
  // INCR / APPEND / SETRANGE keep the TTL, as in Redis
  o.run(...c("SET", "t", "1", "EX", "100"));
  const t0 = db.getExpire("t");
  assert.ok(t0 !== undefined);
  o.run(...c("INCR", "t"));
  o.run(...c("APPEND", "t", "0"));
  o.run(...c("SETRANGE", "t", "0", "3"));
  assert.equal(db.get("t"), "30");
  assert.equal(db.getExpire("t"), t0);
  // dirty: once per key set by MSET, once per other write
  const d0 = o.srv.dirty;
  o.run(...c("MSET", "x", "1", "y", "2", "z", "3"));
  assert.equal(o.srv.dirty - d0, 3);
  o.run(...c("GET", "x"));
  o.run(...c("SET", "x", "1", "NX"));
  assert.equal(o.srv.dirty - d0, 3);
});

Deno.test("keyspace hits and misses", () => {
  const o = inProcess();
  const st = o.srv.stats;
  o.run(...c("MSET", "a", "1", "b", "2"));
  const h0 = st.keyspaceHits, m0 = st.keyspaceMisses;
  o.run(...c("GET", "a"));
  o.run(...c("GET", "nokey"));
  o.run(...c("MGET", "a", "b", "c"));
  o.run(...c("STRLEN", "a"));
  o.run(...c("GETRANGE", "x", "0", "1"));
  o.run(...c("LCS", "a", "zz"));
  o.run(...c("SET", "a", "2", "GET"));
  o.run(...c("INCR", "a")); // a write lookup: not counted
  assert.equal(st.keyspaceHits - h0, 6);
  assert.equal(st.keyspaceMisses - m0, 4);
});

Deno.test("expired keys are gone for string commands", async () => {
  const o = inProcess();
  o.run(...c("SET", "a", "v", "PX", "1"));
  o.run(...c("SET", "b", "5", "PX", "1"));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(o.run(...c("GET", "a")), "$-1\r\n");
  assert.equal(o.run(...c("INCR", "b")), ":1\r\n");
  assert.equal(o.client.db.getExpire("b"), undefined);
  assert.equal(o.run(...c("SET", "a", "v", "PX", "1")), "+OK\r\n");
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(o.run(...c("SET", "a", "w", "NX")), "+OK\r\n");
  assert.equal(o.run(...c("GET", "a")), "$1\r\nw\r\n");
});

Deno.test("stringEncoding (OBJECT ENCODING of strings)", () => {
  assert.equal(stringEncoding("0"), "int");
  assert.equal(stringEncoding("-12345"), "int");
  assert.equal(stringEncoding(LLMAX), "int");
  assert.equal(stringEncoding(LLMIN), "int");
  assert.equal(stringEncoding("9223372036854775808"), "embstr");
  assert.equal(stringEncoding("01"), "embstr");
  assert.equal(stringEncoding("-0"), "embstr");
  assert.equal(stringEncoding(" 1"), "embstr");
  assert.equal(stringEncoding(""), "embstr");
  assert.equal(stringEncoding("x".repeat(44)), "embstr");
  assert.equal(stringEncoding("x".repeat(45)), "raw");
});
