/* libsodium wrappers. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "util/crypto.h"

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int crypto_keys_create(const char *path)
{
	struct keys k;
	randombytes_buf(&k, sizeof(k));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, &k, sizeof(k));
	int rc = (w == (ssize_t)sizeof(k) && fsync(fd) == 0) ? 0 : -1;
	close(fd);
	sodium_memzero(&k, sizeof(k));
	return rc;
}

int crypto_keys_load(const char *path, struct keys *k)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, k, sizeof(*k));
	close(fd);
	return r == (ssize_t)sizeof(*k) ? 0 : -1;
}

/* crypto_password_reuse: the last password hashed and its hash */
static bool reuse_on;
static char reuse_pw[64], reuse_hash[CRYPTO_PWHASH_MAX];

void crypto_password_reuse(bool on)
{
	reuse_on = on;
	sodium_memzero(reuse_pw, sizeof(reuse_pw));
	sodium_memzero(reuse_hash, sizeof(reuse_hash));
}

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX])
{
	size_t len = strlen(password);
	if (reuse_on && reuse_hash[0] && len < sizeof(reuse_pw) && !strcmp(password, reuse_pw)) {
		memcpy(out, reuse_hash, CRYPTO_PWHASH_MAX);
		return 0;
	}
	int rc = crypto_pwhash_str(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE);
	if (!rc && reuse_on && len < sizeof(reuse_pw)) {
		memcpy(reuse_pw, password, len + 1);
		memcpy(reuse_hash, out, CRYPTO_PWHASH_MAX);
	}
	return rc;
}

bool crypto_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, in, n);
}

void crypto_random_token(char out[CRYPTO_TOKEN_HEX])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof(b));
	to_hex(b, sizeof(b), out);
}

void crypto_random_digits(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[n] = 0;
}

uint32_t crypto_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	to_hex(h, sizeof(h), out);
}

void crypto_keyed_hash_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *s,
			   char out[CRYPTO_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), key, CRYPTO_KEY_BYTES);
	to_hex(h, sizeof(h), out);
}

int crypto_seal_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *plain, char *out,
		    size_t outlen)
{
	size_t n = strlen(plain);
	if (n > 256 || outlen < 2 * (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n) + 1)
		return -1;
	unsigned char bin[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 256];
	randombytes_buf(bin, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(bin + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, bin,
			      key);
	to_hex(bin, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n, out);
	return 0;
}

int crypto_open_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *hex, char *out,
		    size_t outlen)
{
	unsigned char bin[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 256];
	size_t n;
	if (sodium_hex2bin(bin, sizeof(bin), hex, strlen(hex), NULL, &n, NULL) != 0 ||
	    n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return -1;
	size_t plen = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (plen + 1 > outlen)
		return -1;
	if (crypto_secretbox_open_easy((unsigned char *)out, bin + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, bin, key) != 0)
		return -1;
	out[plen] = 0;
	return 0;
}

void crypto_hmac_hex(const unsigned char key[CRYPTO_KEY_BYTES], const void *data, size_t len,
		     char out[CRYPTO_HASH_HEX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, data, len, key);
	to_hex(mac, sizeof(mac), out);
}

void crypto_derive(const unsigned char key[CRYPTO_KEY_BYTES], const char *context,
		   unsigned char out[CRYPTO_KEY_BYTES])
{
	crypto_generichash(out, CRYPTO_KEY_BYTES, (const unsigned char *)context, strlen(context), key,
			   CRYPTO_KEY_BYTES);
}

static void sign_keypair(const unsigned char key[CRYPTO_KEY_BYTES], const char *context,
			 unsigned char pk[crypto_sign_PUBLICKEYBYTES], unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	crypto_derive(key, context, seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

void crypto_sign_pubkey_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *context,
			    char out[CRYPTO_PUBKEY_HEX])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	sign_keypair(key, context, pk, sk);
	sodium_memzero(sk, sizeof(sk));
	to_hex(pk, sizeof(pk), out);
}

void crypto_sign_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *context, const void *data,
		     size_t len, char out[CRYPTO_SIG_HEX])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
	sign_keypair(key, context, pk, sk);
	crypto_sign_detached(sig, NULL, data, len, sk);
	sodium_memzero(sk, sizeof(sk));
	to_hex(sig, sizeof(sig), out);
}

bool crypto_sign_check_hex(const char *pubkey_hex, const void *data, size_t len, const char *sig_hex)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	size_t n;
	if (sodium_hex2bin(pk, sizeof(pk), pubkey_hex, strlen(pubkey_hex), NULL, &n, NULL) || n != sizeof(pk))
		return false;
	if (sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &n, NULL) || n != sizeof(sig))
		return false;
	return crypto_sign_verify_detached(sig, data, len, pk) == 0;
}

bool crypto_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

int crypto_sha256_zero_bits(const void *data, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	int bits = 0;
	for (size_t i = 0; i < sizeof(h); i++) {
		if (h[i] == 0) {
			bits += 8;
			continue;
		}
		for (unsigned char m = 0x80; m && !(h[i] & m); m >>= 1)
			bits++;
		break;
	}
	return bits;
}

int crypto_base64_decode(const char *in, size_t in_len, void *out, size_t max, size_t *len)
{
	if (!in || !out)
		return -1;
	const char *end = NULL;
	if (sodium_base642bin(out, max, in, in_len, NULL, len, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return end == in + in_len ? 0 : -1;
}
