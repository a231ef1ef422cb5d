// The RDB file format's constants (Redis 7.0, format version 10).
//
// File: "REDIS" + 4-digit version, then opcodes and key/value pairs, then
// EOF and an 8-byte little-endian CRC-64 of everything before it (zero when
// checksums are off). A DUMP payload is one value (type byte + encoding),
// the 2-byte little-endian RDB version and the CRC-64 of both.

export const RDB_VERSION = 10;

// opcodes
export const OP_FUNCTION2 = 245;
export const OP_FUNCTION = 246; // 7.0 release candidates only
export const OP_MODULE_AUX = 247;
export const OP_IDLE = 248;
export const OP_FREQ = 249;
export const OP_AUX = 250;
export const OP_RESIZEDB = 251;
export const OP_EXPIRETIME_MS = 252;
export const OP_EXPIRETIME = 253;
export const OP_SELECTDB = 254;
export const OP_EOF = 255;

// value types
export const T_STRING = 0;
export const T_LIST = 1;
export const T_SET = 2;
export const T_ZSET = 3;
export const T_HASH = 4;
export const T_ZSET_2 = 5;
export const T_MODULE_PRE_GA = 6;
export const T_MODULE_2 = 7;
export const T_HASH_ZIPMAP = 9;
export const T_LIST_ZIPLIST = 10;
export const T_SET_INTSET = 11;
export const T_ZSET_ZIPLIST = 12;
export const T_HASH_ZIPLIST = 13;
export const T_LIST_QUICKLIST = 14;
export const T_STREAM_LISTPACKS = 15;
export const T_HASH_LISTPACK = 16;
export const T_ZSET_LISTPACK = 17;
export const T_LIST_QUICKLIST_2 = 18;
export const T_STREAM_LISTPACKS_2 = 19;

/** Quicklist node containers in QUICKLIST_2. */
export const QL_PLAIN = 1;
export const QL_PACKED = 2;

// special string encodings (length prefix 11xxxxxx)
export const ENC_INT8 = 0;
export const ENC_INT16 = 1;
export const ENC_INT32 = 2;
export const ENC_LZF = 3;

/** Module ids' last 10 bits hold the module's encoding version; the opcode EOF ends module data. */
export const MODULE_OPCODE_EOF = 0;
export const MODULE_OPCODE_SINT = 1;
export const MODULE_OPCODE_UINT = 2;
export const MODULE_OPCODE_FLOAT = 3;
export const MODULE_OPCODE_DOUBLE = 4;
export const MODULE_OPCODE_STRING = 5;
