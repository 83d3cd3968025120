/* The endpoints of party building 党建 under /api/v1/party/, one file a subject:
 * api_members.c (branches, members, statistics, the roster import), api_meetings.c
 * (meeting settings, meetings with attendance and check-in, compliance), api_service.c
 * (commitments, the service diary, 书记会客厅 questions and their turn into an event or a
 * 说事 thread, the village's public party page), api_learning.c (courses, study
 * sessions, quizzes and attempts, study records), api_media.c (the files of courses,
 * meetings and commitments, with range requests); what they share in common.c. They
 * call domain/party and the kernel. */
#ifndef HTTP_PARTY_H
#define HTTP_PARTY_H

#include "http/api.h"

extern const struct route party_routes[];
extern const size_t party_routes_n;

int api_party_branches(struct req *r);
int api_party_branch_create(struct req *r);
int api_party_group_create(struct req *r);
int api_party_members(struct req *r);
int api_party_member_create(struct req *r);
int api_party_member_get(struct req *r);
int api_party_member_update(struct req *r);
int api_party_member_status(struct req *r);
int api_party_me(struct req *r);
int api_party_stats(struct req *r);
int api_party_settings_get(struct req *r);
int api_party_settings_put(struct req *r);
int api_party_meetings(struct req *r);
int api_party_meeting_create(struct req *r);
int api_party_meeting_get(struct req *r);
int api_party_meeting_update(struct req *r);
int api_party_attendance(struct req *r);
int api_party_checkin(struct req *r);
int api_party_compliance(struct req *r);
int api_party_commitments(struct req *r);
int api_party_commitment_create(struct req *r);
int api_party_commitment_get(struct req *r);
int api_party_commitment_progress(struct req *r);
int api_party_commitment_comment(struct req *r);
int api_party_diary(struct req *r);
int api_party_diary_create(struct req *r);
int api_party_diary_stats(struct req *r);
int api_party_questions(struct req *r);
int api_party_question_create(struct req *r);
int api_party_question_answer(struct req *r);
int api_party_question_convert(struct req *r);
int api_public_party(struct req *r);
int api_party_course_media(struct req *r);
int api_party_commitment_update(struct req *r);
int api_party_commitment_photo(struct req *r);
int api_party_commitment_video(struct req *r);
int api_party_meeting_photo(struct req *r);
int api_party_meeting_minutes_photo(struct req *r);
int api_party_courses(struct req *r);
int api_party_course_create(struct req *r);
int api_party_course_get(struct req *r);
int api_party_course_update(struct req *r);
int api_party_course_photo(struct req *r);
int api_party_study_start(struct req *r);
int api_party_study_report(struct req *r);
int api_party_quizzes(struct req *r);
int api_party_quiz_create(struct req *r);
int api_party_quiz_get(struct req *r);
int api_party_quiz_update(struct req *r);
int api_party_quiz_attempt(struct req *r);
int api_party_study_records(struct req *r);
int api_party_member_study(struct req *r);
int api_party_my_study(struct req *r);
int api_party_member_import(struct req *r);
int api_party_member_template(struct req *r);

#endif
