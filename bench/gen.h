/* What the data generators of bench/ share: a deterministic random sequence
 * (splitmix64, seeded by each generator with GEN_SEED before including this file) and
 * a monotonic clock for their timings. */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stdint.h>
#include <time.h>

static uint64_t rng_state = GEN_SEED;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 ≤ rnd(n) < n */
static inline int rnd(int n) { return (int)(rng() % (uint64_t)n); }

/* seconds since some fixed moment */
static inline double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#endif
