/* The route table of party building 党建; src/http/routes.c joins the tables. */
#include "http/party/party.h"

const struct route party_routes[] = {
	{"GET", "/api/v1/party/branches", api_party_branches, 0},
	{"POST", "/api/v1/party/branches", api_party_branch_create, RF_JSON},
	{"POST", "/api/v1/party/branches/:id/groups", api_party_group_create, RF_JSON},
	{"GET", "/api/v1/party/members", api_party_members, 0},
	{"POST", "/api/v1/party/members", api_party_member_create, RF_JSON},
	{"GET", "/api/v1/party/members/:id", api_party_member_get, 0},
	{"PATCH", "/api/v1/party/members/:id", api_party_member_update, RF_JSON},
	{"POST", "/api/v1/party/members/:id/status", api_party_member_status, RF_JSON},
	{"GET", "/api/v1/party/me", api_party_me, 0},
	{"GET", "/api/v1/party/stats", api_party_stats, 0},
	{"GET", "/api/v1/party/settings", api_party_settings_get, 0},
	{"PUT", "/api/v1/party/settings", api_party_settings_put, RF_JSON},
	{"GET", "/api/v1/party/meetings", api_party_meetings, 0},
	{"POST", "/api/v1/party/meetings", api_party_meeting_create, RF_JSON},
	{"GET", "/api/v1/party/meetings/:id", api_party_meeting_get, 0},
	{"PATCH", "/api/v1/party/meetings/:id", api_party_meeting_update, RF_JSON},
	{"PUT", "/api/v1/party/meetings/:id/attendance", api_party_attendance, RF_JSON},
	{"POST", "/api/v1/party/meetings/:id/checkin", api_party_checkin, RF_JSON},
	{"GET", "/api/v1/party/compliance", api_party_compliance, 0},
	{"GET", "/api/v1/party/commitments", api_party_commitments, 0},
	{"POST", "/api/v1/party/commitments", api_party_commitment_create, RF_JSON},
	{"GET", "/api/v1/party/commitments/:id", api_party_commitment_get, 0},
	{"POST", "/api/v1/party/commitments/:id/progress", api_party_commitment_progress, RF_JSON},
	{"POST", "/api/v1/party/commitments/:id/comments", api_party_commitment_comment, RF_JSON},
	{"GET", "/api/v1/party/diary", api_party_diary, 0},
	{"POST", "/api/v1/party/diary", api_party_diary_create, RF_JSON},
	{"GET", "/api/v1/party/diary-stats", api_party_diary_stats, 0},
	{"GET", "/api/v1/party/questions", api_party_questions, 0},
	{"POST", "/api/v1/party/questions", api_party_question_create, RF_JSON},
	{"POST", "/api/v1/party/questions/:id/answer", api_party_question_answer, RF_JSON},
	{"GET", "/api/v1/public/villages/:id/party", api_public_party, RF_PUBLIC},
};

const size_t party_routes_n = ARRAY_SIZE(party_routes);
