/* Demo data of events 民情 with voice notes: a few reports in the first village (青山村)
 * that the demo villager spoke rather than typed, and calls the hotline operator took
 * with the call's recording attached. The speech is made with espeak-ng's Mandarin
 * voice, as the broadcasts' is; without espeak-ng these reports are left out (and the
 * demo says so in the log). Made through the same upload and intake the app uses, as
 * the person who did it, days ago. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/demo_actor.h"
#include "domain/events/events.h"
#include "util/log.h"
#include "util/timeutil.h"

extern char **environ;

#define SPEECH_MAX (FILES_AUDIO_MAX_BYTES)

struct spoken {
	const char *phone;       /* who reported: the demo villager, or the operator taking a call */
	const char *category;
	const char *text;        /* typed (a short line) */
	const char *said;        /* spoken into the recording */
	const char *caller, *caller_phone;   /* a call: the caller */
	int days_ago, hour;
};

static const struct spoken spoken[] = {
	{"15620260101", "道路交通", "语音反映：桥头护栏坏了", "村口桥头的护栏被货车撞坏了，晚上走路的人看不清，请村里尽快修一下。", NULL, NULL, 9, 19},
	{"15620260101", "饮水供水", "语音反映：自来水发黄", "这几天我们三组的自来水放出来是黄的，烧开了也有沉淀，老人孩子不敢喝。", NULL, NULL, 4, 8},
	{"15620260101", "环境卫生", "语音反映：垃圾没人收", "河边那几个垃圾桶已经满了好几天，没有人来收，天热了味道很大。", NULL, NULL, 2, 20},
	{"13900000010", "社会救助", "来电：独居老人家里断电", "你好，我是五组的王大爷的邻居，他一个人住，家里停电两天了，他腿脚不方便，麻烦帮忙看看。",
	 "刘桂兰", "13812345601", 6, 10},
	{"13900000010", "农业生产", "来电：灌溉渠堵塞", "喂，我们二组的灌溉渠被泥沙堵住了，田里进不了水，秧苗快干死了，请派人来清一下。",
	 "陈志强", "13812345602", 3, 15},
};

/* Speaks text into a WAV file in memory (at most SPEECH_MAX bytes); false without
 * espeak-ng or when nothing came out. */
static bool speak(struct ctx *c, const char *text, int n, unsigned char **out, size_t *len)
{
	char txt[512], wav[512];
	if (!c->data_dir || snprintf(txt, sizeof(txt), "%s/demo-speech-%d-%d.txt", c->data_dir, (int)getpid(), n) >= (int)sizeof(txt) ||
	    snprintf(wav, sizeof(wav), "%s/demo-speech-%d-%d.wav", c->data_dir, (int)getpid(), n) >= (int)sizeof(wav))
		return false;
	int fd = open(txt, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	size_t tl = strlen(text);
	bool wrote = write(fd, text, tl) == (ssize_t)tl;
	close(fd);
	bool ok = false;
	if (wrote) {
		char *argv[] = {"espeak-ng", "-v", "cmn", "-s", "150", "-w", wav, "-f", txt, NULL};
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		pid_t pid;
		int st = 0;
		if (posix_spawnp(&pid, "espeak-ng", &fa, NULL, argv, environ) == 0) {
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		}
		posix_spawn_file_actions_destroy(&fa);
	}
	if (ok) {
		ok = false;
		int in = open(wav, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (in >= 0 && fstat(in, &sb) == 0 && sb.st_size > 44 && sb.st_size <= SPEECH_MAX) {
			*out = arena_alloc(c->arena, (size_t)sb.st_size);
			size_t got = 0;
			while (*out && got < (size_t)sb.st_size) {
				ssize_t r = read(in, *out + got, (size_t)sb.st_size - got);
				if (r <= 0 && !(r < 0 && errno == EINTR))
					break;
				if (r > 0)
					got += (size_t)r;
			}
			*len = got;
			ok = *out && got == (size_t)sb.st_size;
		}
		if (in >= 0)
			close(in);
	}
	unlink(txt);
	unlink(wav);
	return ok;
}

int events_seed_media_demo(struct ctx *c, int64_t county_id, int64_t village_id)
{
	struct event_category *cats;
	int ncats;
	int rc = events_categories(c, county_id, true, &cats, &ncats);
	if (rc)
		return rc;
	int made = 0;
	for (size_t i = 0; i < ARRAY_SIZE(spoken); i++) {
		const struct spoken *s = &spoken[i];
		unsigned char *bytes = NULL;
		size_t len = 0;
		if (!speak(c, s->said, (int)i, &bytes, &len)) {
			log_msg(LOG_WARN, "demo: espeak-ng made no speech, the reports with voice notes are left out", NULL);
			return RC_OK;
		}
		int64_t cat = 0;
		for (int k = 0; k < ncats; k++)
			if (!strcmp(cats[k].name, s->category))
				cat = cats[k].id;
		struct actor who;
		if (!cat)
			return ctx_fail(c, RC_INTERNAL, "演示数据：类别 %s 不存在", s->category);
		if ((rc = demo_actor_phone(c, s->phone, &who)))
			return rc;
		int64_t t = demo_at(time_cn_days(c->now) - s->days_ago, s->hour, 12 + (int)i * 7);
		struct ctx x = demo_as(c, &who, t);
		struct file_info f;
		if ((rc = files_store(&x, bytes, len, &f)))
			return demo_up(c, &x, rc);
		struct event_input in = {.village_id = village_id, .category_id = cat, .description = s->text,
					 .reporter_name = s->caller, .reporter_phone = s->caller_phone,
					 .media = {.voice = f.hash}};
		int64_t id;
		if ((rc = events_create(&x, &in, &id)))
			return demo_up(c, &x, rc);
		made++;
	}
	(void)made;
	return RC_OK;
}
