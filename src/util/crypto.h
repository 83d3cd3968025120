/* Crypto wrappers over libsodium: passwords (argon2id), random tokens, keyed hashes,
 * sealing of personal data (secretbox) and HMAC signatures. Keys live in a key file
 * created by `cunzhi init`. */
#ifndef UTIL_CRYPTO_H
#define UTIL_CRYPTO_H

#include "util/common.h"

#define CRYPTO_KEY_BYTES 32
#define CRYPTO_HASH_HEX 65       /* 32-byte hash as hex, with NUL */
#define CRYPTO_PWHASH_MAX 128
#define CRYPTO_TOKEN_HEX 65

struct keys {
	unsigned char pii[CRYPTO_KEY_BYTES];     /* secretbox key for ID-card numbers */
	unsigned char lookup[CRYPTO_KEY_BYTES];  /* keyed hash for finding them */
	unsigned char sign[CRYPTO_KEY_BYTES];    /* HMAC key for QR tokens */
};

int crypto_init(void);
/* Creates a key file with fresh keys (mode 0600); fails if it exists. */
int crypto_keys_create(const char *path);
int crypto_keys_load(const char *path, struct keys *k);

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX]);
/* On: a password hashed again gets the hash it got last time (same salt) instead of a
 * new one. Only for the demo, which gives its thousands of accounts the one published
 * demo password (argon2id takes half a second a hash on a small machine); never on in
 * the server. Off forgets the kept password. */
void crypto_password_reuse(bool on);
bool crypto_password_verify(const char *hash, const char *password);
/* A random token as 64 hex characters. */
void crypto_random_token(char out[CRYPTO_TOKEN_HEX]);
/* A random decimal code of n digits (n < 16). */
void crypto_random_digits(char *out, int n);
uint32_t crypto_random_uniform(uint32_t upper);
/* Unkeyed BLAKE2b-256 of data, as hex. */
void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX]);
/* Keyed BLAKE2b-256, as hex. */
void crypto_keyed_hash_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *s,
			   char out[CRYPTO_HASH_HEX]);
/* Seals a short text as hex (nonce + ciphertext); out must hold 2*(24+16+len)+1. */
int crypto_seal_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *plain, char *out,
		    size_t outlen);
int crypto_open_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *hex, char *out,
		    size_t outlen);
/* HMAC-SHA256 of data as hex. */
void crypto_hmac_hex(const unsigned char key[CRYPTO_KEY_BYTES], const void *data, size_t len,
		     char out[CRYPTO_HASH_HEX]);
/* The number of leading zero bits of SHA-256(data): proof-of-work checks. */
int crypto_sha256_zero_bits(const void *data, size_t len);
/* Standard base64 (with padding) into out (at most max bytes); 0 and *len, or -1 when
 * malformed or longer than max. */
int crypto_base64_decode(const char *in, size_t in_len, void *out, size_t max, size_t *len);
/* A 32-byte subkey of key for one purpose (context names it), so one key in the key
 * file serves several uses without their outputs being related. */
void crypto_derive(const unsigned char key[CRYPTO_KEY_BYTES], const char *context,
		   unsigned char out[CRYPTO_KEY_BYTES]);
/* Ed25519 signatures with a key pair derived from key and context: the public key as
 * hex (65 bytes with NUL), a signature of data as hex (129 bytes with NUL), and the
 * check of a signature against a public key (true when it holds). */
#define CRYPTO_PUBKEY_HEX 65
#define CRYPTO_SIG_HEX 129
void crypto_sign_pubkey_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *context,
			    char out[CRYPTO_PUBKEY_HEX]);
void crypto_sign_hex(const unsigned char key[CRYPTO_KEY_BYTES], const char *context, const void *data,
		     size_t len, char out[CRYPTO_SIG_HEX]);
bool crypto_sign_check_hex(const char *pubkey_hex, const void *data, size_t len, const char *sig_hex);
/* Constant-time comparison of two strings of the same length. */
bool crypto_equal(const char *a, const char *b);

#endif
