/* Party building 党建: owns a village's branch 党支部 and its party groups 党小组, the
 * members (full or probationary, mobile 流动党员, transfers in and out with history)
 * and their statistics; the county's required frequency of each meeting kind, the
 * meetings 三会一课 and 主题党日 with minutes, photos, attendance and the members' own
 * check-in within the meeting's time, and the compliance of each branch per period;
 * the yearly commitments 承诺践诺 with progress and villagers' comments, the service
 * diary 党群服务日记, and the questions to the secretary 书记会客厅; learning 学习教育:
 * courses and quizzes published by the county and towns, study sessions and attempts
 * that make each member's study record 一人一册 (`learning`). It calls the kernel (org
 * units, access, scope, audit, files, idempotency, the holiday calendar) and points
 * (a passed 趣味学法 quiz is an approved points record under the village's rule).
 *
 * Branches are rows linked to a village, not org units: roles (party_secretary,
 * party_member) are granted on the village and the organisation role party_org on a
 * town or the county, so every check goes through the village's path, and the unit
 * tree the other features walk (registers, grids, rankings) stays as it is.
 *
 * Who may do what (access.h):
 *   P_PARTY_ADMIN on the village: branches, groups, members, meetings and attendance,
 *     commitments and their progress, the diary;
 *   P_PARTY_READ: members' personal data, statistics and compliance in scope;
 *   P_PARTY_MEMBER: the member's own record, the branch's meetings, check-in, the diary;
 *   P_PARTY_ANSWER: answering 会客厅 questions (and reading private ones);
 *   P_PARTY_SETTINGS on the county: meeting kinds' frequencies;
 *   P_LEARN_PUBLISH on a county or town: its courses and quizzes (members' study
 *     records are read with P_PARTY_READ; a member reads their own).
 * Membership data is never public. Commitments, the diary and public questions are.
 *
 * Results are generic rows (struct party_row: named values, with named lists of child
 * rows), so that the HTTP layer turns every answer into JSON the same way. */
#ifndef DOMAIN_PARTY_PARTY_H
#define DOMAIN_PARTY_PARTY_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/files.h"
#include "domain/kernel/idem.h"

#define PARTY_NAME_MAX 20
#define PARTY_TEXT_MAX 200
#define PARTY_BODY_MAX 2000
#define PARTY_URL_MAX 300
#define PARTY_PHOTOS_MAX 9
#define PARTY_ROW_MAX 32
#define PARTY_SUBS_MAX 4
#define PARTY_CHECKIN_EARLY 1800      /* seconds before the start a member may check in */
#define PARTY_ANSWER_DAYS 3           /* working days for the secretary to answer */

/* ---- result rows ---- */

enum party_vtype { PV_INT, PV_TEXT, PV_BOOL, PV_TIME, PV_NULL, PV_PHOTOS };
struct party_val {
	const char *name;
	enum party_vtype type;
	int64_t i;
	const char *s;          /* PV_TEXT; PV_PHOTOS: "h1,h2" */
};
struct party_rows;
struct party_row {
	int n;
	struct party_val v[PARTY_ROW_MAX];
	int nsubs;
	struct {
		const char *name;
		struct party_rows *rows;
	} subs[PARTY_SUBS_MAX];
};
struct party_rows {
	int n, cap;
	int64_t total;          /* for pages: all rows matching */
	struct party_row *row;
};

/* ---- periods of the meeting frequencies (pure; unit-tested) ---- */

/* The label of the period of a frequency ("month", "quarter", "year") holding the
 * day (days since the epoch): "2026-03", "2026-Q1", "2026". -1 for a bad frequency. */
int party_period_of(int64_t day, const char *freq, char out[16]);
/* The first and last day of a period label; -1 when the label is malformed. */
int party_period_range(const char *label, int64_t *first, int64_t *last);
/* The frequency a label belongs to ("month", "quarter", "year") or NULL. */
const char *party_period_freq(const char *label);

/* ---- branches and members ---- */

int party_branches(struct ctx *c, int64_t unit_id, struct party_rows *out);
int party_branch_create(struct ctx *c, int64_t village_id, const char *name, int64_t *id);
int party_group_create(struct ctx *c, int64_t branch_id, const char *name, int64_t *id);

struct party_member_input {
	int64_t branch_id, group_id;       /* group -1: leave (update) */
	const char *name, *gender, *birth_date, *education, *kind, *join_date, *full_date;
	int64_t household_id, resident_id; /* -1: leave (update) */
	const char *phone, *mobile_place;
	int mobile;                        /* -1: leave (update) */
	const struct idem *idem;
};
int party_members(struct ctx *c, int64_t unit_id, int64_t branch_id, const char *status, const char *q, int limit,
		  int offset, struct party_rows *out);
int party_member_get(struct ctx *c, int64_t id, struct party_row *out);
int party_member_create(struct ctx *c, const struct party_member_input *in, int64_t *id);
int party_member_update(struct ctx *c, int64_t id, const struct party_member_input *in);
/* A status change: "transfer_out" (leaves the branch, kept in history), "transfer_in"
 * (back to active), "full" (a probationary member becomes full), on day with a note. */
int party_member_status(struct ctx *c, int64_t id, const char *action, const char *day, const char *note);
/* The member roster import into a branch (P_PARTY_ADMIN there): CSV or XLSX with the
 * template's columns (姓名, 性别, 出生日期, 学历, 类别, 入党日期, 转正日期, 党小组,
 * 手机号, 流动党员, 外出去向); every row checked as a member registered one by one and
 * every error reported with its row and column in Chinese; RC_INVALID and nothing
 * imported when any row fails; else, unless dry_run, all of them in one transaction. */
#define PARTY_IMPORT_ERRORS_MAX 1000
struct party_import_error {
	int row;                 /* the spreadsheet's row (the header is row 1) */
	const char *column, *message;
};
struct party_import_result {
	int rows, created;
	int nerrors, errors_total;
	struct party_import_error *errors;
};
int party_member_import(struct ctx *c, int64_t branch_id, const char *data, size_t len, bool dry_run,
			struct party_import_result *out);
/* The import template (XLSX, malloc'ed) with two example rows and the notes. */
int party_member_template(struct ctx *c, char **data, size_t *len);
/* The actor's own member record with the branch's meetings (RC_NOT_FOUND when the
 * actor is no member). */
int party_me(struct ctx *c, struct party_row *out);
/* Counts by kind, gender, education and age band, mobile, and members due to become
 * full within 90 days, for a branch's village, a town or the county. */
int party_stats(struct ctx *c, int64_t unit_id, struct party_row *out);

/* ---- meetings ---- */

int party_settings(struct ctx *c, int64_t county_id, struct party_rows *out);
/* kinds[i] gets freqs[i] ("month", "quarter", "year", "none"). */
int party_settings_put(struct ctx *c, int64_t county_id, int n, const char *const *kinds, const char *const *freqs);

struct party_meeting_input {
	int64_t branch_id, group_id;
	const char *kind, *topic, *place, *join_url, *period, *minutes;
	int remote;                         /* -1: leave (update) */
	int64_t starts_at, ends_at;         /* 0: leave (update) */
	int nphotos, nminutes_photos;       /* -1: leave (update) */
	const char *photos[PARTY_PHOTOS_MAX], *minutes_photos[PARTY_PHOTOS_MAX];
	const struct idem *idem;
};
int party_meetings(struct ctx *c, int64_t unit_id, int64_t branch_id, const char *kind, const char *period, int limit,
		   int offset, struct party_rows *out);
int party_meeting_get(struct ctx *c, int64_t id, struct party_row *out);
int party_meeting_create(struct ctx *c, const struct party_meeting_input *in, int64_t *id);
int party_meeting_update(struct ctx *c, int64_t id, const struct party_meeting_input *in);
struct party_attendance_input {
	int64_t member_id;
	const char *status, *reason;
};
int party_attendance_put(struct ctx *c, int64_t meeting_id, int n, const struct party_attendance_input *in);
/* The actor checks in to a meeting of their branch within its time: "remote" for a
 * remote meeting, else "present". RC_CONFLICT outside the window. */
int party_checkin(struct ctx *c, int64_t meeting_id, struct party_row *out);
/* Held against required per branch, kind and period of a year, late and missing
 * flagged; for a village, a town or the county. */
int party_compliance(struct ctx *c, int64_t unit_id, int year, struct party_row *out);

/* ---- commitments, diary, questions ---- */

struct party_commitment_input {
	int64_t village_id;                 /* create */
	int year;                           /* create */
	const char *pledger, *title, *body, *target_date;   /* NULL: leave (update) */
	int nphotos;                        /* the pledge's photos; -1: leave (update) */
	const char *photos[PARTY_PHOTOS_MAX];
	const char *video;                  /* a short recorded pledge; NULL: leave (update), "": none */
	const struct idem *idem;
};
/* public_village: the public page (no login); else unit_id (0: the villager's village). */
int party_commitments(struct ctx *c, int64_t unit_id, int64_t public_village, int year, bool overdue_only,
		      int limit, int offset, struct party_rows *out);
int party_commitment_get(struct ctx *c, int64_t id, struct party_row *out);
int party_commitment_create(struct ctx *c, const struct party_commitment_input *in, int64_t *id);
/* P_PARTY_ADMIN: edits the pledge (title, body, target date, its photos and video); the
 * change is audited with what changed (the module's history). */
int party_commitment_update(struct ctx *c, int64_t id, const struct party_commitment_input *in);
/* Photo n (from 1) of a commitment's pledge, or its video (n 0), for whoever may read it. */
int party_commitment_file(struct ctx *c, int64_t id, int n, struct file_info *out);
/* Photo n (from 1) of a meeting (minutes: of its written record) for whoever may read it. */
int party_meeting_file(struct ctx *c, int64_t id, bool minutes, int n, struct file_info *out);
/* kind "progress" (P_PARTY_ADMIN, with progress percent, -1 = unchanged) or "comment"
 * (anyone with business in the village). */
int party_commitment_note(struct ctx *c, int64_t id, const char *kind, const char *body, int progress, int nphotos,
			  const char *const *photos, const struct idem *idem, int64_t *note_id);

struct party_diary_input {
	int64_t village_id;
	const char *day, *body, *beneficiary;
	int nphotos;
	const char *photos[PARTY_PHOTOS_MAX];
	const struct idem *idem;
};
int party_diary(struct ctx *c, int64_t unit_id, int64_t public_village, int limit, int offset, struct party_rows *out);
int party_diary_create(struct ctx *c, const struct party_diary_input *in, int64_t *id);
/* Entries per author and village in a town or the county (P_PARTY_READ). */
int party_diary_stats(struct ctx *c, int64_t unit_id, struct party_rows *out);

struct party_question_input {
	int64_t village_id;            /* 0: the villager's own village */
	const char *body;
	bool private_q;
	int nphotos;
	const char *photos[PARTY_PHOTOS_MAX];
	const struct idem *idem;
};
/* status: "open", "answered" or "all"; mine: only the actor's own. */
int party_questions(struct ctx *c, int64_t unit_id, int64_t public_village, const char *status, bool mine, int limit,
		    int offset, struct party_rows *out);
int party_question_create(struct ctx *c, const struct party_question_input *in, int64_t *id);
int party_question_answer(struct ctx *c, int64_t id, const char *answer);
/* P_PARTY_ANSWER: the question becomes a 民情 event (category_id; through the events'
 * own rules, channel "party_question", the asker as the reporter) or a 村民说事 thread in
 * the asker's name (title, category; public questions only), once: the question keeps
 * the link, the event or thread names the question, the turn is audited. RC_CONFLICT
 * when it was turned already. */
struct party_convert_input {
	const char *to;                /* "event" or "talk" */
	int64_t category_id;           /* event */
	const char *title, *category;  /* talk (category default "question") */
};
int party_question_convert(struct ctx *c, int64_t id, const struct party_convert_input *in, int64_t *made_id);

/* ---- learning 学习教育 ---- */

#define PARTY_COURSE_BODY_MAX 10000    /* characters of a course's article */
#define PARTY_QUIZ_QUESTIONS_MAX 30
#define PARTY_QUIZ_OPTIONS_MAX 6
#define PARTY_OPTION_MAX 60            /* characters of one option */
#define PARTY_STUDY_SESSION_MAX 10800  /* seconds one study session counts at most */
#define PARTY_STUDY_SLACK 60           /* seconds a report may run ahead of the server's clock */

/* Scoring (pure; unit-tested). A choice is a mask: bit i is option i. A single-choice
 * question is right when exactly its one right option is chosen, a multiple-choice
 * one when exactly the right set is. */
bool party_quiz_right(const char *kind, int answer, int given);
/* The score in percent, rounded down (0 when there are no questions). */
int party_quiz_score(int correct, int total);
/* The seconds a session counts after a report: the reported time, never more than the
 * time since its start (with PARTY_STUDY_SLACK) nor PARTY_STUDY_SESSION_MAX, never less
 * than what it counted before. */
int64_t party_study_seconds(int64_t started_at, int64_t now, int64_t before, int64_t reported);

struct party_course_input {
	int64_t unit_id;                 /* the county or town (create) */
	const char *audience;            /* member, villager (create) */
	const char *title, *body, *media, *status;   /* NULL: leave (update); "" media: none */
	const char *media_url;           /* an external audio or video link (http/https); NULL: leave, "": none */
	int minutes;                     /* 0: leave (update) */
	int nphotos;                     /* -1: leave (update) */
	const char *photos[PARTY_PHOTOS_MAX];
	const struct idem *idem;
};
/* unit_id given: the courses of that unit, its ancestors and units below it, for anyone
 * whose grants touch it (the console). 0: the courses the actor may study (their
 * village's county and town; members also the members' ones). */
int party_courses(struct ctx *c, int64_t unit_id, int limit, int offset, struct party_rows *out);
int party_course_get(struct ctx *c, int64_t id, struct party_row *out);
int party_course_create(struct ctx *c, const struct party_course_input *in, int64_t *id);
int party_course_update(struct ctx *c, int64_t id, const struct party_course_input *in);
/* The course's uploaded audio or video (its type judged by its bytes when stored) for
 * whoever may see the course; RC_NOT_FOUND when it has none. */
int party_course_media(struct ctx *c, int64_t id, struct file_info *out);
/* Photo n (from 1) of a course for whoever may see it. */
enum result party_course_photo(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len);
/* Opens a study session of the course for the actor (a member, or a villager for the
 * villagers' courses). */
int party_study_start(struct ctx *c, int64_t course_id, struct party_row *out);
/* The phone reports the seconds read in the actor's session; the server caps them. */
int party_study_report(struct ctx *c, int64_t session_id, int64_t seconds, struct party_row *out);

struct party_quiz_question_input {
	const char *kind, *body, *note;
	int noptions;
	const char *options[PARTY_QUIZ_OPTIONS_MAX];
	int answer;                      /* mask of the right options */
};
struct party_quiz_input {
	int64_t unit_id;
	const char *audience, *title, *intro, *rule_name, *status;
	int pass_score;                  /* -1: leave (update) */
	int nquestions;                  /* -1: leave (update; only before any attempt) */
	const struct party_quiz_question_input *questions;
	const struct idem *idem;
};
int party_quizzes(struct ctx *c, int64_t unit_id, int limit, int offset, struct party_rows *out);
/* The quiz with its questions; the right answers only for its publishers. */
int party_quiz_get(struct ctx *c, int64_t id, struct party_row *out);
int party_quiz_create(struct ctx *c, const struct party_quiz_input *in, int64_t *id);
int party_quiz_update(struct ctx *c, int64_t id, const struct party_quiz_input *in);
/* The actor answers every question (masks in question order; -1 for a choice the caller
 * reported malformed already); scored here. A passed
 * villagers' quiz with a rule name earns the rule's points for the actor's household
 * once per quiz, as an approved points record going to 公示, within the rule's cap. */
int party_quiz_attempt(struct ctx *c, int64_t quiz_id, int n, const int *given, const struct idem *idem,
		       struct party_row *out);

/* The study record 一人一册 of a member (P_PARTY_READ on their village, or the member
 * themselves); member_id 0: the actor's own (members and villagers). */
int party_study_record(struct ctx *c, int64_t member_id, struct party_row *out);
/* Per member of the branches in scope: sessions, time, quizzes taken and passed, the
 * last study (P_PARTY_READ). */
int party_study_records(struct ctx *c, int64_t unit_id, int64_t branch_id, int limit, int offset,
			struct party_rows *out);

#endif
