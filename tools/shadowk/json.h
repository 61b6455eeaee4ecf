/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SHADOWK_TOOL_JSON_H
#define SHADOWK_TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A streaming JSON writer: objects and arrays nest, commas come free. */
struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool first[32];
};

void json_init(struct json *j, FILE *out, bool pretty);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_s64(struct json *j, const char *key, int64_t val);
void json_double(struct json *j, const char *key, double val);
void json_hex(struct json *j, const char *key, uint64_t val);
void json_u64_str(struct json *j, const char *key, uint64_t val);
void json_member_null(struct json *j, const char *key);
void json_finish(struct json *j);

#endif
