/*
 * The fake AArch64 vmlinux shared by every layout (tests/vmcores/layouts/README.md).
 *
 * Built once per layout with -Itests/vmcores/layouts/<L>: that layout's kernel_structs.h gives the
 * KVM structs (the real layout, pinned by _Static_assert), this file adds what the consumers
 * need around them:
 *   - DWARF for every recorded struct (anchor variables in a section the linker discards);
 *   - the kimage symbols a dump reader uses (vm_list, kvm_lock, swapper_pg_dir, init_uts_ns,
 *     linux_banner, _text/_stext/_etext/_end from vmlinux.lds.S) and an .init.text section
 *     (drgn recognises a vmlinux by it);
 *   - what crash 8.0.2 needs to start in full mode (README.md, "What each consumer needs at run
 *     time"): per-cpu area
 *     with runqueues, init_task, init_mm, cpu masks, jiffies, nr_threads, high_memory,
 *     mem_map/max_mapnr, init_pid_ns, and the types crash sizes at start-up.
 * The crash-only structs are not a real kernel's layout: crash reads them by member name from
 * DWARF, so only the names it asks for matter. Their values are static initializers; the few
 * that depend on the dump (high_memory, max_mapnr) have defaults for the generator's standard
 * memory model and are documented in the README.
 */
#define S2L_KERNEL_TYPE_NAMES 1
#include "kernel_structs.h"

#define S2L_STR2(x) #x
#define S2L_STR(x) S2L_STR2(x)

/* ---- kernel basics not in the recorded list ---- */

typedef struct raw_spinlock { unsigned int __opaque[1]; } raw_spinlock_t;

#ifndef S2L_DEFINES_struct_cpumask
struct cpumask { unsigned long bits[S2L_NR_CPUS_CONFIG / 64]; };
#endif
typedef struct cpumask cpumask_t;

/* ---- uts (VMCOREINFO: OFFSET(uts_namespace.name)=0) ---- */

struct new_utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};

struct ns_common {
	unsigned int inum;
	refcount_t count;
};

struct uts_namespace {
	struct new_utsname name;
	struct user_namespace *user_ns;
	struct ucounts *ucounts;
	struct ns_common ns;
};

/* ---- registers ---- */

struct pt_regs {
	union {
		struct user_pt_regs user_regs;
		struct {
			u64 regs[31];
			u64 sp;
			u64 pc;
			u64 pstate;
		};
	};
	u64 orig_x0;
	s32 syscallno;
	u32 unused2;
	u64 sdei_ttbr1;
	u64 pmr_save;
	u64 stackframe[2];
	u64 lockdep_hardirqs;
	u64 exit_rcu;
};

struct cpu_context {
	unsigned long x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	unsigned long fp;
	unsigned long sp;
	unsigned long pc;
};

struct thread_struct {
	struct cpu_context cpu_context;
	unsigned long fault_address;
	unsigned long fault_code;
};

struct thread_info {
	unsigned long flags;
	u64 ttbr0;
	u64 preempt_count;
	void *scs_base;
	void *scs_sp;
	u32 cpu;
};

/* The NT_PRSTATUS descriptor (392 bytes, pr_reg at 112), as crash reads it. */
struct elf_siginfo {
	int si_signo;
	int si_code;
	int si_errno;
};
struct __kernel_old_timeval {
	long tv_sec;
	long tv_usec;
};
typedef unsigned long elf_greg_t;
typedef elf_greg_t elf_gregset_t[34];
struct elf_prstatus {
	struct elf_siginfo pr_info;
	short pr_cursig;
	unsigned long pr_sigpend;
	unsigned long pr_sighold;
	pid_t pr_pid;
	pid_t pr_ppid;
	pid_t pr_pgrp;
	pid_t pr_sid;
	struct __kernel_old_timeval pr_utime;
	struct __kernel_old_timeval pr_stime;
	struct __kernel_old_timeval pr_cutime;
	struct __kernel_old_timeval pr_cstime;
	elf_gregset_t pr_reg;
	int pr_fpvalid;
};
_Static_assert(offsetof(struct elf_prstatus, pr_reg) == 112 && sizeof(struct elf_prstatus) == 392,
	       "aarch64 elf_prstatus");

/* ---- memory management ---- */

typedef struct { u64 pgd; } pgd_t;

struct mm_struct {
	struct vm_area_struct *mmap;
	unsigned long task_size;
	pgd_t *pgd;
	atomic_t mm_users;
	atomic_t mm_count;
	unsigned long total_vm;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	struct task_struct *owner;
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct vm_area_struct *vm_next;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	unsigned long vm_pgoff;
	struct file *vm_file;
	void *vm_private_data;
};

struct page {
	unsigned long flags;
	struct list_head lru;
	struct address_space *mapping;
	unsigned long index;
	unsigned long private;
	atomic_t _mapcount;
	atomic_t _refcount;
	unsigned long memcg_data;
};
_Static_assert(sizeof(struct page) == 64 && offsetof(struct page, _refcount) == 52 &&
	       offsetof(struct page, mapping) == 24, "struct page as in the real VMCOREINFO");

struct free_area {
	struct list_head free_list[6];
	unsigned long nr_free;
};

#define S2L_MAX_ORDER 11
struct zone {
	unsigned long _watermark[4];
	long lowmem_reserve[4];
	struct pglist_data *zone_pgdat;
	unsigned long zone_start_pfn;
	atomic_long_t managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	struct free_area free_area[S2L_MAX_ORDER];
	unsigned long flags;
	spinlock_t lock;
	atomic_long_t vm_stat[12];
};

struct pglist_data {
	struct zone node_zones[4];
	int nr_zones;
	struct page *node_mem_map;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
};

/* ---- pids (crash walks init_pid_ns.idr.idr_rt as an xarray) ---- */

/* crash's stand-in, unless the layout records the real struct xa_node (6.12, 7.2: pahole of the
 * -dbg vmlinux; the generator stores vcpu_array nodes with it) */
#ifndef S2L_DEFINES_struct_xa_node
struct xa_node {
	unsigned char shift;
	unsigned char offset;
	unsigned char count;
	unsigned char nr_values;
	struct xa_node *parent;
	struct xarray *array;
	struct list_head private_list;
	void *slots[64];
	unsigned long marks[3][1];
};
#endif

struct idr {
	struct xarray idr_rt;
	unsigned int idr_base;
	unsigned int idr_next;
};

struct pid_namespace {
	struct idr idr;
	unsigned int pid_allocated;
	struct task_struct *child_reaper;
	unsigned int level;
	struct pid_namespace *parent;
	struct ns_common ns;
};

struct upid {
	int nr;
	struct pid_namespace *ns;
};

struct pid {
	refcount_t count;
	unsigned int level;
	spinlock_t lock;
	struct hlist_head tasks[4];
	struct hlist_head inodes;
	struct upid numbers[1];
};

/* ---- vfs (crash's vfs_init sizes these) ---- */

struct qstr {
	union {
		struct {
			u32 hash;
			u32 len;
		};
		u64 hash_len;
	};
	const unsigned char *name;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct dentry {
	unsigned int d_flags;
	struct hlist_node d_hash;
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
	unsigned char d_iname[40];
	struct super_block *d_sb;
	struct list_head d_child;
	struct list_head d_subdirs;
};

struct inode {
	unsigned short i_mode;
	unsigned int i_flags;
	struct super_block *i_sb;
	struct address_space *i_mapping;
	unsigned long i_ino;
	long long i_size;
	struct list_head i_sb_list;
};

struct vfsmount {
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
	int mnt_flags;
};

struct mount {
	struct hlist_node mnt_hash;
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
	const char *mnt_devname;
	struct list_head mnt_list;
};

struct file {
	struct path f_path;
	struct inode *f_inode;
	const void *f_op;
	atomic_long_t f_count;
	unsigned int f_flags;
	void *private_data;
};

struct fs_struct {
	int users;
	spinlock_t lock;
	int umask;
	int in_exec;
	struct path root;
	struct path pwd;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *close_on_exec;
	unsigned long *open_fds;
};

struct files_struct {
	atomic_t count;
	struct fdtable *fdt;
	struct fdtable fdtab;
	struct file *fd_array[64];
};

/* ---- tasks and run queues ---- */

struct task_struct {
	struct thread_info thread_info;
	unsigned int __state;
	void *stack;
	refcount_t usage;
	unsigned int flags;
	int on_cpu;
	int on_rq;
	int prio;
	struct list_head tasks;
	struct mm_struct *mm;
	struct mm_struct *active_mm;
	int exit_state;
	pid_t pid;
	pid_t tgid;
	struct task_struct *real_parent;
	struct task_struct *parent;
	struct list_head children;
	struct list_head sibling;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	char comm[16];
	struct fs_struct *fs;
	struct files_struct *files;
	struct nsproxy *nsproxy;
	struct signal_struct *signal;
	struct thread_struct thread;
};

/* crash 8.0.2 takes the 2.6-era runqueue path (and dies on init_task_union) when struct rq has a
 * member named cpu: this rq must not have one. */
struct rq {
	raw_spinlock_t __lock;
	unsigned int nr_running;
	u64 clock;
	struct task_struct *curr;
	struct task_struct *idle;
	struct task_struct *stop;
	struct mm_struct *prev_mm;
};

/* ================================================================================================
 * Symbols
 * ================================================================================================ */

#define S2L_LINUX_BANNER "Linux version " S2L_OSRELEASE \
	" (s2dump synthetic " S2L_NAME ") #1 SMP PREEMPT_DYNAMIC Thu Jan  1 00:00:00 UTC 1970\n"

/* The arm64 image header lives in .head.text at _text; _stext is 64 KiB further (real layout). */
__asm__(".section .head.text, \"ax\"\n"
	".globl s2l_image_header\n"
	"s2l_image_header:\n"
	"\tb s2l_stext\n"
	".previous\n");

void s2l_stext(void);
void s2l_stext(void)
{
	for (;;)
		;
}

__attribute__((section(".init.text"), used)) int s2l_start_kernel(void);
__attribute__((section(".init.text"), used)) int s2l_start_kernel(void)
{
	return 0;
}

const char linux_banner[] = S2L_LINUX_BANNER;

/*
 * What s2dump reads to choose the debugfs rules (src/kvm/rules.c, docs/ptdump.md), as Debian's
 * kernels have it: CONFIG_PTDUMP_STAGE2_DEBUGFS off, so kvm_nested_s2_ptdump_create_debugfs() is
 * only kvm_mmu.h's static inline stub, (mmu) on 7.1/7.2, (mmu, idx) from 7.3: an abstract inline
 * instance in DWARF, no code, no symbol (always_inline keeps it so at -O0); and
 * arch/arm64/mm/ptdump.c's note_page_flush() (range aware in 7.2 already).
 * The ptdump-flush variant (tests/vmcores/layouts/module.mk) has the option on: kvm_nested_s2_ptdump_create_debugfs()
 * is a function of arch/arm64/kvm/ptdump.c with its version's parameters, and
 * kvm_ptdump_guest_show() exists and, with S2L_PTDUMP_FLUSH, calls note_page_flush() after its
 * walk (7.3, or a backport).
 */
#if S2L_LAYOUT_VER >= 702
struct ptdump_state;
void note_page_flush(struct ptdump_state *pt_st);
void note_page_flush(struct ptdump_state *pt_st)
{
	(void)pt_st;
}

#ifdef S2L_PTDUMP_STAGE2_DEBUGFS
#define S2L_STUB
#else
#define S2L_STUB static inline __attribute__((always_inline))
#endif
#if S2L_LAYOUT_VER >= 703
S2L_STUB void kvm_nested_s2_ptdump_create_debugfs(struct kvm_s2_mmu *mmu, int idx);
S2L_STUB void kvm_nested_s2_ptdump_create_debugfs(struct kvm_s2_mmu *mmu, int idx)
{
	(void)mmu;
	(void)idx;
}
#define S2L_CREATE_DEBUGFS(mmu, idx) kvm_nested_s2_ptdump_create_debugfs(mmu, idx)
#else
S2L_STUB void kvm_nested_s2_ptdump_create_debugfs(struct kvm_s2_mmu *mmu);
S2L_STUB void kvm_nested_s2_ptdump_create_debugfs(struct kvm_s2_mmu *mmu)
{
	(void)mmu;
}
#define S2L_CREATE_DEBUGFS(mmu, idx) kvm_nested_s2_ptdump_create_debugfs(mmu)
#endif

/* kvm_vcpu_init_nested() in the kernel: the stub's caller, so that the stub is emitted */
void s2l_kvm_vcpu_init_nested(struct kvm_s2_mmu *mmu);
void s2l_kvm_vcpu_init_nested(struct kvm_s2_mmu *mmu)
{
	S2L_CREATE_DEBUGFS(mmu, 0);
}

#ifdef S2L_PTDUMP_STAGE2_DEBUGFS
struct seq_file;
int s2l_kvm_pgtable_walk(void *mmu);
int s2l_kvm_pgtable_walk(void *mmu)
{
	(void)mmu;
	return 0;
}

static int kvm_ptdump_guest_show(struct seq_file *m, void *unused)
{
	int ret = s2l_kvm_pgtable_walk(unused);

	if (ret)
		return ret;
#ifdef S2L_PTDUMP_FLUSH
	note_page_flush((struct ptdump_state *)m);
#endif
	return 0;
}
/* the fops' .show pointer in the kernel: keeps the static function and its local symbol */
int (*const s2l_kvm_ptdump_guest_show_ptr)(struct seq_file *, void *) = kvm_ptdump_guest_show;
#endif
#endif

/* Stage-1 root of the kernel's own tables: the generator builds them here (or anywhere it likes
 * and points VMCOREINFO at this symbol). 64 KiB aligned and reserved so that any granule's root
 * (4K, 16K, 64K; concatenation not used at stage 1) fits. */
__attribute__((section(".data..swapper"), aligned(65536))) u64 swapper_pg_dir[65536 / 8];

/* vm_list starts empty (points at itself); the generator links its struct kvm.vm_list here. */
struct list_head vm_list = { &vm_list, &vm_list };
/* kvm_lock: a mutex since 5.x; only its type and address matter. */
struct mutex kvm_lock;

struct uts_namespace init_uts_ns = {
	.name = {
		.sysname = "Linux",
		.nodename = "s2dump-synthetic",
		.release = S2L_OSRELEASE,
		.version = "#1 SMP PREEMPT_DYNAMIC Thu Jan  1 00:00:00 UTC 1970",
		.machine = "aarch64",
		.domainname = "(none)",
	},
};

/* ---- crash full mode ---- */

/* One CPU. __per_cpu_offset[0] = 0: CPU 0's per-cpu data is the .data..percpu section itself,
 * which is inside the kimage and therefore in every dump. */
unsigned long __per_cpu_offset[S2L_NR_CPUS_CONFIG];
struct cpumask __cpu_possible_mask = { .bits = { 1 } };
struct cpumask __cpu_online_mask = { .bits = { 1 } };
struct cpumask __cpu_present_mask = { .bits = { 1 } };
struct cpumask __cpu_active_mask = { .bits = { 1 } };
unsigned int nr_cpu_ids = 1;

struct mm_struct init_mm;
struct task_struct init_task;

__attribute__((section(".data..percpu"))) struct rq runqueues = {
	.nr_running = 0,
	.curr = &init_task,
	.idle = &init_task,
};

static struct fs_struct init_fs = { .users = 1 };
static struct files_struct init_files = { .count = { 1 } };

/* The idle task's kernel stack (crash reads its top for the saved registers). */
__attribute__((aligned(16384))) static unsigned long init_stack[16384 / 8];

struct mm_struct init_mm = {
	.pgd = (pgd_t *)swapper_pg_dir,
	.mm_users = { 2 },
	.mm_count = { 1 },
};

struct task_struct init_task = {
	.thread_info = { .cpu = 0 },
	.__state = 0,
	.stack = init_stack,
	.usage = { { 2 } },
	.flags = 0x00200000,	/* PF_KTHREAD */
	.prio = 120,
	.tasks = { &init_task.tasks, &init_task.tasks },
	.active_mm = &init_mm,
	.pid = 0,
	.tgid = 0,
	.real_parent = &init_task,
	.parent = &init_task,
	.children = { &init_task.children, &init_task.children },
	.sibling = { &init_task.sibling, &init_task.sibling },
	.group_leader = &init_task,
	.comm = "swapper/0",
	.fs = &init_fs,
	.files = &init_files,
};

struct pid_namespace init_pid_ns = { .level = 0, .child_reaper = &init_task };
struct pid init_struct_pid = { .count = { { 1 } } };
int nr_threads = 1;
int max_threads = 1;

/* jiffies is an alias of jiffies_64 (vmlinux.lds.S), as in the kernel. */
u64 jiffies_64 = 0x100000000ULL - 300 * 250;

/* FLATMEM as crash and makedumpfile read it: struct page of pfn N at mem_map + N. The backing
 * array holds the dump's RAM only (PA 0x40000000 + 32 MiB in 4 KiB pages, the generator's standard
 * model) and sits in the kimage .bss (the dump holds it as zeros); mem_map points 0x40000 entries
 * before it, so that mem_map[pfn] for every RAM pfn lands in the array. high_memory: the linear VA
 * just past that RAM. */
#define S2L_RAM_PFN_FIRST (0x40000000ULL >> 12)
#define S2L_RAM_PAGES (32 * 1024 * 1024 / 4096)
static struct page s2l_mem_map_storage[S2L_RAM_PAGES];
struct page *mem_map = s2l_mem_map_storage - S2L_RAM_PFN_FIRST;
unsigned long max_mapnr = S2L_RAM_PFN_FIRST + S2L_RAM_PAGES;
void *high_memory = (void *)(0xffff000000000000ULL + 32 * 1024 * 1024);
struct pglist_data contig_page_data = {
	.nr_zones = 1,
	.node_mem_map = s2l_mem_map_storage - S2L_RAM_PFN_FIRST,
	.node_start_pfn = 0,
	.node_present_pages = S2L_RAM_PAGES,
	.node_spanned_pages = S2L_RAM_PFN_FIRST + S2L_RAM_PAGES,
};

/* ---- DWARF anchors: GCC emits only types that something uses. This section is discarded by
 * the linker script, so the anchors take no room in the image. ---- */
#define S2L_ANCHOR(type, name) \
	__attribute__((section(".discard.s2l_anchors"), used)) type __s2l_anchor_##name

S2L_ANCHOR(struct kvm, kvm);
S2L_ANCHOR(struct kvm_arch, kvm_arch);
S2L_ANCHOR(struct kvm_s2_mmu, kvm_s2_mmu);
S2L_ANCHOR(struct kvm_pgtable, kvm_pgtable);
S2L_ANCHOR(struct kvm_vmid, kvm_vmid);
S2L_ANCHOR(struct kvm_memslots, kvm_memslots);
S2L_ANCHOR(struct kvm_memory_slot, kvm_memory_slot);
S2L_ANCHOR(struct kvm_arch_memory_slot, kvm_arch_memory_slot);
S2L_ANCHOR(struct kvm_vcpu, kvm_vcpu);
S2L_ANCHOR(struct kvm_vcpu_arch, kvm_vcpu_arch);
S2L_ANCHOR(struct kvm_vcpu_fault_info, kvm_vcpu_fault_info);
S2L_ANCHOR(struct kvm_cpu_context, kvm_cpu_context);
#ifdef S2L_DEFINES_struct_kvm_protected_vm
S2L_ANCHOR(struct kvm_protected_vm, kvm_protected_vm);
#endif
#ifdef S2L_DEFINES_struct_pkvm_mapping
S2L_ANCHOR(struct pkvm_mapping, pkvm_mapping);
#endif
S2L_ANCHOR(struct kvm_pgtable_mm_ops, kvm_pgtable_mm_ops);
S2L_ANCHOR(struct list_head, list_head);
S2L_ANCHOR(struct xarray, xarray);
S2L_ANCHOR(struct rb_root_cached, rb_root_cached);
S2L_ANCHOR(struct rb_root, rb_root);
S2L_ANCHOR(struct rb_node, rb_node);
S2L_ANCHOR(struct interval_tree_node, interval_tree_node);
S2L_ANCHOR(struct hlist_node, hlist_node);
S2L_ANCHOR(struct kvm_mmu_memory_cache, kvm_mmu_memory_cache);
/* crash */
S2L_ANCHOR(struct pt_regs, pt_regs);
S2L_ANCHOR(struct elf_prstatus, elf_prstatus);
S2L_ANCHOR(struct vm_area_struct, vm_area_struct);
S2L_ANCHOR(struct zone, zone);
S2L_ANCHOR(struct free_area, free_area);
S2L_ANCHOR(struct xa_node, xa_node);
S2L_ANCHOR(struct upid, upid);
S2L_ANCHOR(struct qstr, qstr);
S2L_ANCHOR(struct dentry, dentry);
S2L_ANCHOR(struct inode, inode);
S2L_ANCHOR(struct mount, mount);
S2L_ANCHOR(struct vfsmount, vfsmount);
S2L_ANCHOR(struct file, file);
S2L_ANCHOR(struct fdtable, fdtable);
S2L_ANCHOR(raw_spinlock_t, raw_spinlock);
S2L_ANCHOR(spinlock_t, spinlock);
