/* GB 11643 check digit and helpers. */
#include <ctype.h>

#include "util/idcard.h"
#include "util/timeutil.h"

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char checks[11] = "10X98765432";

char idcard_check_char(const char *s17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s17[i] - '0') * weights[i];
	return checks[sum % 11];
}

bool idcard_valid(const char *s)
{
	if (!s || strlen(s) != IDCARD_LEN)
		return false;
	for (int i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	char last = s[17] == 'x' ? 'X' : s[17];
	if (last != idcard_check_char(s))
		return false;
	char date[11];
	idcard_birth_date(s, date);
	return time_date_valid(date) && memcmp(s + 6, "1900", 4) >= 0;
}

bool idcard_normalize(const char *in, char out[IDCARD_LEN + 1])
{
	while (*in == ' ')
		in++;
	size_t n = strlen(in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	if (n != IDCARD_LEN)
		return false;
	memcpy(out, in, IDCARD_LEN);
	out[IDCARD_LEN] = 0;
	out[17] = (char)toupper((unsigned char)out[17]);
	return true;
}

void idcard_birth_date(const char *s, char out[11])
{
	memcpy(out, s + 6, 4);
	out[4] = '-';
	memcpy(out + 5, s + 10, 2);
	out[7] = '-';
	memcpy(out + 8, s + 12, 2);
	out[10] = 0;
}

int idcard_gender(const char *s)
{
	return ((s[16] - '0') % 2) ? 1 : 2;
}

void idcard_mask(const char *s, char out[IDCARD_LEN + 1])
{
	size_t n = strlen(s);
	if (n != IDCARD_LEN) {
		str_copy(out, IDCARD_LEN + 1, "******");
		return;
	}
	memcpy(out, s, IDCARD_LEN + 1);
	memset(out + IDCARD_MASK_HEAD, '*', IDCARD_LEN - IDCARD_MASK_HEAD - IDCARD_MASK_TAIL);
}
