/* The points system 积分制: the rule catalog (rules.h), claims, review and awards
 * (claims.h), 公示, objections and the village's points settings (publicity.h), the
 * hash-chained ledger and its balances (ledger.h), rankings and 红黑榜 (rankings.h),
 * activities and their check-in (activities.h) and the points' XLSX exports
 * (exports.h). It calls the kernel and the register's public header. Other features
 * include this header, which exports rules.h and ledger.h (the shop spends points) and
 * claims.h (party learning records a passed 趣味学法 quiz as an approved record). */
#ifndef DOMAIN_POINTS_H
#define DOMAIN_POINTS_H

#include "domain/points/claims.h"
#include "domain/points/ledger.h"
#include "domain/points/rules.h"

#endif
