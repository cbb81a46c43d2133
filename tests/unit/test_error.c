// SPDX-License-Identifier: GPL-2.0-or-later
/* Errors as values: creation, fault addresses, prefixes, static errors. */
#include <stdlib.h>

#include "s2dump/error.h"
#include "unit/check.h"

int main(void)
{
	struct s2_error *err = s2_error_create(S2_ERROR_LOOKUP, "symbol %s not found", "vm_list");

	CHECK_EQ_U64(err->code, S2_ERROR_LOOKUP, "error_create keeps the code");
	CHECK_EQ_STR(err->message, "symbol vm_list not found", "error_create formats the message");
	err = s2_error_prefix(err, "kvm 0x%llx: ", 0xffff000012345678ULL);
	CHECK_EQ_STR(err->message, "kvm 0xffff000012345678: symbol vm_list not found",
		     "error_prefix puts context in front");
	s2_error_destroy(err);

	err = s2_error_fault(0x40001000, true, "page table at PA 0x%x not in dump", 0x40001000);
	CHECK(err->has_address && err->address_is_physical && err->address == 0x40001000,
	      "error_fault records the physical address");
	s2_error_destroy(err);

	err = s2_error_prefix(&s2_error_nomem, "reading kvm: ");
	CHECK(err != &s2_error_nomem && err->code == S2_ERROR_NOMEM,
	      "error_prefix copies a static error instead of writing to it");
	CHECK_EQ_STR(s2_error_nomem.message, "out of memory", "static nomem message unchanged");
	s2_error_destroy(err);
	s2_error_destroy(&s2_error_stop); /* must be a no-op */
	CHECK(s2_error_prefix(NULL, "x") == NULL, "error_prefix(NULL) stays NULL");
	return check_summary();
}
