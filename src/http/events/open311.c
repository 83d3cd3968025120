/* Open311 replies in JSON and XML, and its error list (open311.h). The XML is written
 * by libxml2's xmlTextWriter, which escapes text and checks nesting. */
#include <libxml/xmlwriter.h>

#include "http/events/open311.h"

bool o311_format_of(const char *s, enum o311_format *f, char *base, size_t n)
{
	size_t len = s ? strlen(s) : 0;
	size_t cut;
	if (len > 5 && !strcmp(s + len - 5, ".json")) {
		*f = O311_JSON;
		cut = len - 5;
	} else if (len > 4 && !strcmp(s + len - 4, ".xml")) {
		*f = O311_XML;
		cut = len - 4;
	} else {
		return false;
	}
	if (base) {
		if (cut >= n)
			return false;
		memcpy(base, s, cut);
		base[cut] = 0;
	}
	return true;
}

/* The item element of a nested array, by the wrapper's name. */
static const char *item_name(const char *wrapper)
{
	static const char *const names[][2] = {
		{"endpoints", "endpoint"}, {"formats", "format"}, {"attributes", "attribute"},
		{"values", "value"}, {"service_requests", "request"}, {"services", "service"},
		{"errors", "error"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(wrapper, names[i][0]))
			return names[i][1];
	return "item";
}

static int write_value(xmlTextWriterPtr w, const char *name, json_t *v, const char *item);

static int write_children(xmlTextWriterPtr w, json_t *v, const char *item)
{
	if (json_is_object(v)) {
		const char *key;
		json_t *child;
		json_object_foreach(v, key, child) {
			if (write_value(w, key, child, NULL) < 0)
				return -1;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child) {
			if (write_value(w, item, child, NULL) < 0)
				return -1;
		}
	}
	return 0;
}

static int write_value(xmlTextWriterPtr w, const char *name, json_t *v, const char *item)
{
	if (xmlTextWriterStartElement(w, BAD_CAST name) < 0)
		return -1;
	char num[40];
	const char *text = NULL;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (write_children(w, v, NULL) < 0)
			return -1;
		break;
	case JSON_ARRAY:
		if (write_children(w, v, item ? item : item_name(name)) < 0)
			return -1;
		break;
	case JSON_STRING:
		text = json_string_value(v);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		text = num;
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.6f", json_real_value(v));
		text = num;
		break;
	case JSON_TRUE:
		text = "true";
		break;
	case JSON_FALSE:
		text = "false";
		break;
	case JSON_NULL:
		break;
	}
	if (text && text[0] && xmlTextWriterWriteString(w, BAD_CAST text) < 0)
		return -1;
	return xmlTextWriterEndElement(w);
}

char *o311_xml(json_t *doc, const char *root, const char *item, size_t *len)
{
	xmlBufferPtr buf = xmlBufferCreate();
	if (!buf)
		return NULL;
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	char *out = NULL;
	if (!w) {
		xmlBufferFree(buf);
		return NULL;
	}
	bool ok = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) >= 0 && write_value(w, root, doc, item) >= 0 &&
		  xmlTextWriterEndDocument(w) >= 0;
	xmlFreeTextWriter(w); /* flushes into buf */
	if (ok) {
		*len = (size_t)xmlBufferLength(buf);
		out = malloc(*len + 1);
		if (out) {
			memcpy(out, xmlBufferContent(buf), *len);
			out[*len] = 0;
		}
	}
	xmlBufferFree(buf);
	return out;
}

int o311_reply(struct req *r, int status, enum o311_format f, json_t *doc, const char *root, const char *item)
{
	char *text = NULL;
	size_t len = 0;
	const char *type;
	if (!doc)
		return o311_error(r, f, 500, "内存不足");
	if (f == O311_JSON) {
		text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
		len = text ? strlen(text) : 0;
		type = "application/json; charset=utf-8";
	} else {
		text = o311_xml(doc, root, item, &len);
		type = "text/xml; charset=utf-8";
	}
	json_decref(doc);
	if (!text) {
		static const char fallback[] = "[{\"code\":500,\"description\":\"内存不足\"}]";
		req_reply_bytes(r, 500, "application/json; charset=utf-8", NULL, fallback, sizeof(fallback) - 1);
		return RC_OK;
	}
	req_reply_bytes(r, status, type, NULL, text, len);
	free(text);
	return RC_OK;
}

static json_t *error_entry(int status, const char *description)
{
	return json_pack("{s:i, s:s}", "code", status, "description", description);
}

int o311_error(struct req *r, enum o311_format f, int status, const char *description)
{
	json_t *list = json_array();
	json_array_append_new(list, error_entry(status, description));
	return o311_reply(r, status, f, list, "errors", "error");
}

void o311_not_found(struct _u_response *resp, const char *path)
{
	enum o311_format f = O311_JSON;
	const char *slash = strrchr(path, '/');
	if (!o311_format_of(slash ? slash + 1 : path, &f, NULL, 0))
		f = O311_JSON;
	json_t *list = json_array();
	json_array_append_new(list, error_entry(404, "没有这个接口"));
	size_t len = 0;
	char *xml = f == O311_XML ? o311_xml(list, "errors", "error", &len) : NULL;
	if (xml) {
		ulfius_set_binary_body_response(resp, 404, xml, len);
		u_map_put(resp->map_header, "Content-Type", "text/xml; charset=utf-8");
		free(xml);
	} else {
		ulfius_set_json_body_response(resp, 404, list);
		u_map_put(resp->map_header, "Content-Type", "application/json; charset=utf-8");
	}
	json_decref(list);
}

/* The Open311 name of a field of the events domain. */
static const char *open311_field(const char *field)
{
	static const char *const names[][2] = {
		{"category_id", "service_code"}, {"village_id", "attribute[village]"}, {"lat", "lat"},
		{"lng", "long"}, {"address", "address_string"}, {"reporter_name", "first_name"},
		{"reporter_phone", "phone"}, {"photos", "media_url"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(field, names[i][0]))
			return names[i][1];
	return field;
}

int o311_fail(struct req *r, enum o311_format f, int rc)
{
	int status = req_status_for(rc);
	const struct err *e = &r->ctx.err;
	if (rc != RC_INVALID || e->nfields == 0)
		return o311_error(r, f, status, e->message[0] ? e->message : "请求失败");
	json_t *list = json_array();
	for (int i = 0; i < e->nfields; i++) {
		char text[256];
		snprintf(text, sizeof(text), "%s: %s", open311_field(e->fields[i].field), e->fields[i].message);
		json_array_append_new(list, error_entry(status, text));
	}
	return o311_reply(r, status, f, list, "errors", "error");
}
