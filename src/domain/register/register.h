/* The register: households and residents (people.h), the roster import (roster.h),
 * accounts, sessions, activation and grants (account.h), grids and the village map
 * (grids.h), and the household code 户码 (hhcode.h). It calls the kernel only. Other
 * features include this header, which exports people.h, account.h and hhcode.h; the
 * roster import and grids are the register's own. */
#ifndef DOMAIN_REGISTER_H
#define DOMAIN_REGISTER_H

#include "domain/register/account.h"
#include "domain/register/hhcode.h"
#include "domain/register/people.h"

#endif
