/* Pictures for the demo's photos: w × h RGB pixels drawn with rectangles and ellipses,
 * stored as PNG through the files store (as POST /api/v1/files does). */
#ifndef CLI_DEMO_PICTURE_H
#define CLI_DEMO_PICTURE_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/files.h"

struct demo_picture {
	int w, h;
	unsigned char px[200 * 200 * 3];
};

/* Fills the rectangle [x0, x1) × [y0, y1) (clipped) with 0xRRGGBB. */
void demo_fill(struct demo_picture *p, int x0, int y0, int x1, int y1, uint32_t rgb);
void demo_ellipse(struct demo_picture *p, int cx, int cy, int rx, int ry, uint32_t rgb);
/* A 160 × 120 scene in the village (sky, fields, houses, people), different per seed. */
void demo_scene(struct demo_picture *p, uint64_t seed);
/* Stores the picture as a PNG, as the actor of x; the file's hash into hash. */
int demo_picture_store(struct ctx *x, const struct demo_picture *p, char hash[FILES_HASH_LEN + 1]);

#endif
