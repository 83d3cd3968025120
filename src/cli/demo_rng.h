/* The demo generators' seeded random numbers (splitmix64): the same seed gives the same
 * county every run. */
#ifndef CLI_DEMO_RNG_H
#define CLI_DEMO_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static inline int rng_range(struct rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static inline bool rng_chance(struct rng *r, int percent)
{
	return rng_range(r, 0, 99) < percent;
}

/* xorshift64, the generator of the events', grid's, lists' and evaluations' demos, kept
 * as it is: their stories were written against its sequence (a range of one value
 * still draws a number). */
struct xrng {
	uint64_t s;
};

static inline uint64_t xrng_next(struct xrng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* Uniform in [lo, hi]. */
static inline int xrng_range(struct xrng *r, int lo, int hi)
{
	return lo + (int)(xrng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Uniform in [0, 1), in steps of a millionth. */
static inline double xrng_unit(struct xrng *r)
{
	return (double)(xrng_next(r) % 1000000) / 1e6;
}

#endif
