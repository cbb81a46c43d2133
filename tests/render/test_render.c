// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The renderers (src/render/render.h) on facts built by hand: the helpers both
 * forms format with (the ptdump size rule, memslot flags, the coverage groups'
 * order), the JSON document around a command's facts (docs/json.md: schema,
 * command, mode, kernel, the lists, status, error), and text lines whose
 * format docs/commands.md and docs/nested.md give. Expected texts are written
 * from those documents, not taken from a run.
 */
#include <stdlib.h>

#include "render/render.h"
#include "unit/check.h"

static const struct s2_kernel_info kernel = { .osrelease = "7.3.0-test", .page_shift = 12, .va_bits = 48,
					      .va_bits_actual = 48 };

/* Run fn with a renderer of the given form writing to a string. */
static char *rendered(bool json, void (*fn)(struct s2_render *r))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct s2_render r;

	if (json)
		s2_render_json_init(&r, f, &kernel);
	else
		s2_render_text_init(&r, f, &kernel);
	fn(&r);
	fclose(f);
	return buf;
}

static void sizes_and_flags(void)
{
	static const struct { uint64_t bytes; const char *want; } sizes[] = {
		{ 4096, "4K" }, { 2044ULL << 10, "2044K" }, { 2ULL << 20, "2M" }, { 1ULL << 30, "1G" },
		{ 3ULL << 29, "1536M" }, { 0, "0K" },
	};
	static const struct { uint32_t flags; const char *want; } flags[] = {
		{ 0, "-" }, { 1, "LOG_DIRTY" }, { 6, "READONLY|GUEST_MEMFD" }, { 9, "LOG_DIRTY|0x8" }, { 0x10, "0x10" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		s2_render_format_size(buf, sizeof(buf), sizes[i].bytes);
		CHECK_EQ_STR(buf, sizes[i].want, "size 0x%" PRIx64 " in the ptdump unit rule", sizes[i].bytes);
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		s2_render_slot_flags(flags[i].flags, buf, sizeof(buf));
		CHECK_EQ_STR(buf, flags[i].want, "memslot flags 0x%x", flags[i].flags);
	}
}

/* Groups come in level, then block before page, then permission (---..rwx), then AF order. */
static void coverage_order(void)
{
	struct s2_kvm_coverage *c = calloc(1, sizeof(*c));
	struct s2_coverage_group g[4];
	unsigned int pos = 0, n = 0;

	c->g[3 - S2_LEVEL_MIN][1][4][0].count = 5;     /* L3 page r-- AF=0 */
	c->g[3 - S2_LEVEL_MIN][1][4][0].bytes = 0x5000;
	c->g[1 - S2_LEVEL_MIN][0][7][1].count = 1;     /* L1 block rwx AF=1 */
	c->g[1 - S2_LEVEL_MIN][0][7][1].bytes = 1ULL << 30;
	c->g[3 - S2_LEVEL_MIN][1][6][1].count = 2;     /* L3 page rw- AF=1 */
	c->g[3 - S2_LEVEL_MIN][1][6][1].bytes = 0x2000;
	while (n < 4 && s2_render_coverage_next(c, &pos, &g[n]))
		n++;
	CHECK_EQ_U64(n, 3, "coverage: three non-empty groups");
	if (n == 3) {
		CHECK(g[0].level == 1 && !g[0].page && !strcmp(g[0].perm, "rwx") && g[0].af == 1 && g[0].count == 1,
		      "coverage: first the level-1 block (got level %d page %d %s AF=%d count %u)", g[0].level, g[0].page,
		      g[0].perm, g[0].af, g[0].count);
		CHECK(g[1].level == 3 && g[1].page && !strcmp(g[1].perm, "r--") && g[1].af == 0 && g[1].bytes == 0x5000,
		      "coverage: then the r-- pages (got level %d page %d %s AF=%d)", g[1].level, g[1].page, g[1].perm,
		      g[1].af);
		CHECK(g[2].level == 3 && g[2].page && !strcmp(g[2].perm, "rw-") && g[2].af == 1 && g[2].count == 2,
		      "coverage: then the rw- pages (got level %d page %d %s AF=%d)", g[2].level, g[2].page, g[2].perm,
		      g[2].af);
	}
	free(c);
}

static void list_doc(struct s2_render *r)
{
	struct s2_error err = { .code = S2_ERROR_FAULT, .message = "boom" };

	r->ops->begin(r, "nesteds2", "list");
	r->ops->list_begin(r, S2_RENDER_VMS);
	r->ops->no_vms(r);
	r->ops->end(r, &err, S2_STATUS_ERROR);
}

static const struct s2_kvm_mmu mmu = { .addr = 0xffff000000801140ULL, .tlb_vttbr = 0x0005000040800000ULL,
				       .tlb_vtcr = 0x80023558, .valid = true, .vmid = 0x10005, .refcnt = 1 };

static void nested_doc(struct s2_render *r)
{
	static const struct s2_kvm_vm vm = { .addr = 0xffff000000800100ULL, .pid = 42, .nested_mmus_size = 1 };

	r->ops->begin(r, "nesteds2", "list");
	r->ops->list_begin(r, S2_RENDER_VMS);
	r->ops->nested_vm_begin(r, &vm);
	r->ops->nested_mmu(r, 0, &mmu, "nested_mmu0");
	r->ops->nested_vm_end(r);
	r->ops->end(r, NULL, S2_STATUS_OK);
}

static void summary_doc(struct s2_render *r)
{
	struct s2_render_check_summary s = { 2, 10, 1, 0, 0, 1, 0, 0 };

	r->ops->check_summary(r, &s);
}

int main(void)
{
	char *s;

	sizes_and_flags();
	coverage_order();
	s = rendered(true, list_doc);
	CHECK_EQ_STR(s, "{\n  \"schema\": \"s2dump/1\",\n  \"command\": \"nesteds2\",\n  \"mode\": \"list\",\n"
		     "  \"kernel\": {\"release\": \"7.3.0-test\", \"page_size\": 4096, \"va_bits\": 48, "
		     "\"va_bits_actual\": 48},\n  \"vms\": [],\n  \"status\": 2,\n  \"error\": \"boom\"\n}\n",
		     "json: the document around an error (docs/json.md: status 2 and the error line)");
	free(s);
	s = rendered(false, list_doc);
	CHECK_EQ_STR(s, "no VMs on vm_list\n", "text: no document, the empty list said in words");
	free(s);
	s = rendered(false, nested_doc);
	CHECK_EQ_STR(s, "kvm 0xffff000000800100  pid 42  nested_mmus 1\n"
		     "  [ 0] 0xffff000000801140  nested_mmu0  valid   vmid 5     refcnt 1\n",
		     "text: nesteds2 list (the VMID is the low 16 bits)");
	free(s);
	s = rendered(true, nested_doc);
	CHECK_EQ_STR(s, "{\n  \"schema\": \"s2dump/1\",\n  \"command\": \"nesteds2\",\n  \"mode\": \"list\",\n"
		     "  \"kernel\": {\"release\": \"7.3.0-test\", \"page_size\": 4096, \"va_bits\": 48, "
		     "\"va_bits_actual\": 48},\n  \"vms\": [\n    {\n      \"kvm\": \"0xffff000000800100\",\n"
		     "      \"pid\": 42,\n      \"nested_mmus_size\": 1,\n      \"nested_mmus\": [\n"
		     "        {\"index\": 0, \"addr\": \"0xffff000000801140\", \"tlb_vttbr\": \"0x5000040800000\", "
		     "\"tlb_vtcr\": \"0x80023558\", \"nested_stage2_enabled\": false, \"valid\": true, \"vmid\": 5, "
		     "\"refcnt\": 1, \"pending_unmap\": false, \"pgt\": \"0x0\", \"pgd_pa\": \"0x0\"}\n"
		     "      ]\n    }\n  ],\n  \"status\": 0,\n  \"error\": null\n}\n",
		     "json: nesteds2 list, a VM and its nested MMU (docs/json.md members, in order)");
	free(s);
	s = rendered(false, summary_doc);
	CHECK_EQ_STR(s, "check: 2 shadow MMUs, 10 leaves, 1 violations\n"
		     "check: 1 vCPU(s) on a shadow MMU made for another VTTBR_EL2/VTCR_EL2\n",
		     "text: the check's summary, a line per count that is not zero");
	free(s);
	return check_summary();
}
