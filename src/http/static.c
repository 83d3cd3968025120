/* The built web UI from ui/dist: hashed assets cached for a year, pages revalidated
 * (an ETag answers If-None-Match with 304), client-side routes falling back to their
 * app's index.html. The build leaves a .br and a .gz beside each file that compresses;
 * the one the request's Accept-Encoding prefers is sent with Content-Encoding. */
#include <fcntl.h>
#include <sys/stat.h>
#include <ulfius.h>
#include <unistd.h>

#include "http/req.h"
#include "http/server.h"
#include "util/accept.h"
#include "util/buf.h"

#define STATIC_MAX (32 << 20)

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},   {".json", "application/json"},
	{".svg", "image/svg+xml"},             {".png", "image/png"},
	{".jpg", "image/jpeg"},                {".webp", "image/webp"},
	{".ico", "image/x-icon"},              {".woff2", "font/woff2"},
	{".woff", "font/woff"},                {".txt", "text/plain; charset=utf-8"},
	{".webmanifest", "application/manifest+json"},
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < ARRAY_SIZE(types); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* Text types: the build precompresses these (vite.config.ts, precompressed()). */
static bool compressible(const char *type)
{
	return !strncmp(type, "text/", 5) || !strcmp(type, "application/json") ||
	       !strcmp(type, "image/svg+xml") || !strcmp(type, "application/manifest+json");
}

static bool read_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= STATIC_MAX;
	char chunk[65536];
	ssize_t n;
	while (ok && (n = read(fd, chunk, sizeof(chunk))) > 0)
		ok = buf_add(out, chunk, (size_t)n) == 0;
	close(fd);
	return ok;
}

static bool safe_path(const char *p)
{
	return p[0] == '/' && !strstr(p, "..") && !strstr(p, "//") && !strchr(p, '\\') &&
	       strlen(p) < 512;
}

static const char no_ui[] =
	"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>村治</title>"
	"<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>村治 Cunzhi</h1>"
	"<p>服务器在运行，但网页界面还没有构建（ui/dist 不存在）。运行 <code>make</code> 构建界面。</p>"
	"<p>接口：<code>/api/v1/</code>，健康检查：<a href=\"/healthz\">/healthz</a></p></body></html>";

/* A strong validator of the bytes sent: FNV-1a, 64 bits, over the representation
 * itself, so each coding of a file has its own. */
static void etag_of(const struct buf *body, char out[24])
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < body->len; i++) {
		h ^= (unsigned char)body->ptr[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
}

/* If-None-Match names the tag (or is "*"): a list of entity tags, weak ones compared
 * weakly as RFC 9110 §13.1.2 asks for this header. */
static bool none_match(const char *header, const char *etag)
{
	if (!header)
		return false;
	size_t elen = strlen(etag);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, elen) && (p[elen] == 0 || p[elen] == ',' || p[elen] == ' ' || p[elen] == '\t'))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

/* Reads the coding of file (a path under ui_dir) that accept prefers among the .br and
 * .gz the build left beside it; body holds the identity file's bytes on entry. */
static enum coding pick_coding(const char *file, const char *accept, struct buf *body)
{
	unsigned offered = 0;
	struct buf alt;
	buf_init(&alt, 1024);
	buf_addf(&alt, "%s.br", file);
	if (!alt.failed && access(alt.ptr, R_OK) == 0)
		offered |= CODING_BIT(CODING_BR);
	buf_reset(&alt);
	buf_addf(&alt, "%s.gz", file);
	if (!alt.failed && access(alt.ptr, R_OK) == 0)
		offered |= CODING_BIT(CODING_GZIP);
	enum coding c = accept_coding(accept, offered);
	if (c != CODING_IDENTITY) {
		buf_reset(&alt);
		buf_addf(&alt, "%s.%s", file, c == CODING_BR ? "br" : "gz");
		struct buf data;
		buf_init(&data, STATIC_MAX);
		if (!alt.failed && read_file(alt.ptr, &data)) {
			struct buf tmp = *body;
			*body = data;
			data = tmp;
		} else {
			c = CODING_IDENTITY;
		}
		buf_release(&data);
	}
	buf_release(&alt);
	return c;
}

int static_serve(const char *ui_dir, const struct _u_request *u, struct _u_response *resp)
{
	const char *path = u->url_path;
	if (strcmp(u->http_verb, "GET") && strcmp(u->http_verb, "HEAD")) {
		ulfius_set_string_body_response(resp, 405, "method not allowed");
		return 405;
	}
	if (!safe_path(path)) {
		ulfius_set_string_body_response(resp, 404, "not found");
		return 404;
	}
	struct buf file, body;
	buf_init(&file, 1024);
	buf_init(&body, STATIC_MAX);
	const char *served = path;
	bool found = false;
	if (strcmp(path, "/") && path[strlen(path) - 1] != '/') {
		buf_addf(&file, "%s%s", ui_dir, path);
		found = !file.failed && read_file(file.ptr, &body);
	}
	if (!found && strncmp(path, "/assets/", 8) && !strchr(strrchr(path, '/'), '.')) {
		/* an app route: /admin/... is the console, everything else the villager app */
		served = !strncmp(path, "/admin", 6) ? "/admin/index.html" : "/index.html";
		buf_reset(&file);
		buf_reset(&body);
		buf_addf(&file, "%s%s", ui_dir, served);
		found = !file.failed && read_file(file.ptr, &body);
		if (!found && !strcmp(served, "/index.html")) {
			ulfius_set_binary_body_response(resp, 200, no_ui, sizeof(no_ui) - 1);
			u_map_put(resp->map_header, "Content-Type", "text/html; charset=utf-8");
			buf_release(&file);
			buf_release(&body);
			return 200;
		}
	}
	int status = 404;
	if (found) {
		const char *type = type_of(served);
		enum coding c = CODING_IDENTITY;
		if (compressible(type)) {
			c = pick_coding(file.ptr, u_map_get_case(u->map_header, "Accept-Encoding"), &body);
			u_map_put(resp->map_header, "Vary", "Accept-Encoding");
		}
		char etag[24];
		etag_of(&body, etag);
		u_map_put(resp->map_header, "ETag", etag);
		u_map_put(resp->map_header, "Cache-Control",
			  !strncmp(served, "/assets/", 8) ? "public, max-age=31536000, immutable" : "no-cache");
		if (none_match(u_map_get_case(u->map_header, "If-None-Match"), etag)) {
			status = 304;
			resp->status = 304; /* no body (ulfius refuses an empty one) */
		} else {
			status = 200;
			ulfius_set_binary_body_response(resp, 200, body.ptr ? body.ptr : "", body.len);
			u_map_put(resp->map_header, "Content-Type", type);
			if (c != CODING_IDENTITY)
				u_map_put(resp->map_header, "Content-Encoding", coding_name(c));
		}
	} else {
		ulfius_set_string_body_response(resp, 404, "not found");
	}
	buf_release(&file);
	buf_release(&body);
	return status;
}
