/* Resident ID-card numbers (GB 11643-1999): 17 digits and a check character. */
#ifndef UTIL_IDCARD_H
#define UTIL_IDCARD_H

#include "util/common.h"

#define IDCARD_LEN 18

/* The check character ('0'-'9' or 'X') for the first 17 digits of s. */
char idcard_check_char(const char *s17);
/* True when s is 18 characters: 17 digits, a plausible birth date and the right check
 * character (a lowercase x is accepted; normalise with idcard_normalize first). */
bool idcard_valid(const char *s);
/* Uppercases a trailing x and strips surrounding spaces into out[IDCARD_LEN + 1]. */
bool idcard_normalize(const char *in, char out[IDCARD_LEN + 1]);
/* Birth date as YYYY-MM-DD from a valid number. */
void idcard_birth_date(const char *s, char out[11]);
/* 1 male, 2 female (17th digit odd/even). */
int idcard_gender(const char *s);
/* 1101*************X: the first IDCARD_MASK_HEAD characters (province and city) and the
 * check character shown. Neither the district, the birth date nor the sequence shows, so
 * a masked number with the holder's age, gender and village cannot be rebuilt. */
#define IDCARD_MASK_HEAD 4
#define IDCARD_MASK_TAIL 1
void idcard_mask(const char *s, char out[IDCARD_LEN + 1]);

#endif
