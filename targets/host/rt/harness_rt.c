/*
 * The harness runtime: the trusted half of every harness process.  It is
 * not compiled into accc; its text is embedded (see targets/CMakeLists.txt)
 * and compiled at judge time after proto.h and the generated part, which
 * defines:
 *
 *   HX_NPARAM, HX_NBUF, HX_RET_KIND (0 = void), HX_RET_SIZE
 *   hx_buf_param[], hx_buf_dir[], hx_buf_kind[], hx_buf_size[]  (per buffer)
 *   hx_param_kind[], hx_param_size[]                          (per parameter)
 *   void hx_call(const union hp_scalar *s, void *const *buf, union hp_scalar *ret)
 *   void hx_spec(const union hp_scalar *s, struct hp_spec_res *o,
 *                int64_t *extent, double *init_a, double *init_b)
 *
 * The kernel object it is linked with is untrusted.  What this file does so
 * that the kernel cannot fool the judge (EVALUATION.md):
 * - talks to the judge only on fd HP_FD; never reads the environment;
 * - installs a seccomp filter before the first kernel call: no files, no
 *   processes or threads, no sockets, no executable or fixed mappings;
 * - every call gets buffers whose end touches a PROT_NONE guard page (the
 *   slack before the start holds a canary), inputs mapped read-only, outputs
 *   poisoned with a pattern that changes on every call, inout buffers
 *   restored from a pristine copy;
 * - every call runs on a stack whose used part is wiped and scrubbed, with
 *   vector, mask and x87 registers cleared, so nothing survives from one
 *   call to the next (the kernel object has no writable data of its own: the
 *   judge checks that before linking);
 * - malloc and friends are wrapped (-Wl,--wrap): fresh zeroed mappings with
 *   a guard page, so a freed block cannot carry results to the next call;
 * - the call goes through a trampoline (hx_tramp) that loads the arguments
 *   from a register image, gives the callee-saved registers random values,
 *   leaves no pointer to the harness's own stack where the kernel runs, and
 *   checks afterwards that rbx, rbp, r12-r15 and rsp are as the ABI says;
 *   the FS and GS bases, the thread control block header, MXCSR and the
 *   x87 control word are compared around it;
 * - the clock is read here, around the trampoline, into this function's
 *   frame on the harness's own stack, which the kernel has no pointer to;
 * - timing batches can give every call its own inputs (HP_F_FRESH): the
 *   inputs sent, rotated by a per-call amount, so a memo never hits.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <sys/auxv.h>
#include <asm/prctl.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define HX_MAX_SAMPLES 100000
#define HX_STACK_SIZE (16u << 20)
#define HX_STACK_HOT (64u << 10) /* scrubbed before every call */
#define HX_STACK_GUARD (256u << 20) /* PROT_NONE below it: overflows fault */
#define HX_MAX_BLOCKS 4096
#define HX_NB (HX_NBUF + 1)      /* arrays never have length zero */

enum { K_BOOL = 1, K_INT, K_UINT, K_FLOAT, K_DOUBLE, K_LDOUBLE };

struct hx_buf {
	char *map;       /* guard page, data pages, guard page */
	size_t maplen;
	char *base;      /* what the kernel gets; base + bytes is the guard */
	size_t bytes;
	char *pristine;  /* inout: the inputs, restored before every call */
	uint64_t canary; /* seed of the slack pattern */
};

static struct hx_buf hx_cur[HX_NB];
static int hx_have_cur;
static long hx_pg;
static char *hx_stack_map, *hx_stack_top;
static int hx_avx512;
static int hx_fsgsbase; /* rdfsbase/rdgsbase allowed (HWCAP2_FSGSBASE) */
static volatile sig_atomic_t hx_in_call;
static double hx_samples[HX_MAX_SAMPLES];
static uint64_t hx_hashes[HX_MAX_SAMPLES];
static union hp_scalar hx_args[HX_NPARAM + 1];

struct hx_blk {
	char *map, *p;
	size_t maplen, n;
};
static struct hx_blk hx_blks[HX_MAX_BLOCKS];

/* ---- i/o on the private channel ---- */

static int hx_write_all(const void *p, size_t n)
{
	const char *c = (const char *)p;
	while (n) {
		ssize_t w = write(HP_FD, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int hx_read_all(void *p, size_t n)
{
	char *c = (char *)p;
	while (n) {
		ssize_t r = read(HP_FD, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static int hx_send(uint32_t type, const void *p, size_t n)
{
	struct hp_hdr h = { HP_MAGIC, type, n };
	if (hx_write_all(&h, sizeof(h)) < 0)
		return -1;
	return n ? hx_write_all(p, n) : 0;
}

static _Noreturn void hx_die(const char *msg)
{
	hx_send(HP_R_ERROR, msg, strlen(msg));
	_exit(3);
}

#ifdef ACCC_CUDA
/*
 * The cuda target: the CUDA runtime, declared here so that the harness needs
 * no CUDA header.  CUDA starts before the first call (the candidate's first
 * CUDA call then costs no context creation), every call is followed by a
 * device-wide synchronization and an error check inside the timed region
 * (work left on any stream is waited for and counted), and a buffer of
 * twice the L2 is overwritten between calls so no call finds the previous
 * one's data in L2.
 */
int cudaFree(void *p);
int cudaMalloc(void **p, size_t n);
int cudaMemsetAsync(void *p, int v, size_t n, void *stream);
int cudaDeviceSynchronize(void);
int cudaGetLastError(void);
const char *cudaGetErrorString(int e);
int cudaDeviceGetAttribute(int *v, int attr, int dev);

static void *hx_l2_buf;
static size_t hx_l2_bytes;
static char hx_cuda_msg[256];
static void hx_cuda_init(void)
{
	int l2 = 0, e = cudaFree(0);

	if (e) {
		const char *s = cudaGetErrorString(e);
		size_t n = sizeof("cannot initialize CUDA: ") - 1, k = strlen(s);
		memcpy(hx_cuda_msg, "cannot initialize CUDA: ", n);
		memcpy(hx_cuda_msg + n, s, k < 200 ? k : 200);
		hx_cuda_msg[n + (k < 200 ? k : 200)] = '\0';
		hx_die(hx_cuda_msg);
	}
	cudaDeviceGetAttribute(&l2, 38 /* cudaDevAttrL2CacheSize */, 0);
	hx_l2_bytes = 2 * (size_t)(l2 > 0 ? l2 : 64 << 20);
	if (cudaMalloc(&hx_l2_buf, hx_l2_bytes) != 0)
		hx_die("cannot allocate the L2 flush buffer");
}

static void hx_cuda_flush(uint64_t i)
{
	cudaMemsetAsync(hx_l2_buf, (int)(i & 0xff), hx_l2_bytes, 0);
	cudaDeviceSynchronize();
}

static void hx_cuda_check(void)
{
	int e = cudaDeviceSynchronize();

	if (!e)
		e = cudaGetLastError();
	if (e) {
		const char *s = cudaGetErrorString(e);
		size_t n = sizeof("CUDA error after the call: ") - 1, k = strlen(s);
		memcpy(hx_cuda_msg, "CUDA error after the call: ", n);
		if (k > sizeof(hx_cuda_msg) - n - 1)
			k = sizeof(hx_cuda_msg) - n - 1;
		memcpy(hx_cuda_msg + n, s, k);
		hx_cuda_msg[n + k] = '\0';
		hx_die(hx_cuda_msg);
	}
}
#endif

/* ---- signals: report on the channel, then exit ---- */

static void hx_on_signal(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = (ucontext_t *)ctx;
	if (sig == SIGSYS) {
		struct hp_syscall m = { si->si_syscall, hx_in_call };
		hx_send(HP_R_SYSCALL, &m, sizeof(m));
	} else {
		char *a = (char *)si->si_addr;
		struct hp_fault m = { sig, si->si_code, (uint64_t)(uintptr_t)a,
				      -1, hx_in_call, 0, 0 };
		size_t i;
		if (sig == SIGSEGV && uc)
			m.is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
		if (hx_stack_map && a >= hx_stack_map && a < hx_stack_map + HX_STACK_GUARD)
			m.where = HP_W_STACK;
		for (i = 0; i < HX_MAX_BLOCKS; i++)
			if (hx_blks[i].map && a >= hx_blks[i].map && a < hx_blks[i].map + hx_blks[i].maplen)
				m.where = HP_W_HEAP;
		hx_send(HP_R_FAULT, &m, sizeof(m));
	}
	_exit(128 + sig);
}

static void hx_signals(void)
{
	static char altstack[1 << 16];
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
				    SIGABRT, SIGSYS, SIGXCPU, SIGXFSZ };
	stack_t ss = { 0 };
	struct sigaction sa;
	size_t i;

	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = hx_on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- the system-call filter ---- */

#define HX_ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		     BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define HX_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define HX_ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)

static int hx_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		HX_ALLOW(SYS_read), HX_ALLOW(SYS_write), HX_ALLOW(SYS_writev),
		HX_ALLOW(SYS_close), HX_ALLOW(SYS_fstat), HX_ALLOW(SYS_newfstatat),
		HX_ALLOW(SYS_lseek), HX_ALLOW(SYS_munmap), HX_ALLOW(SYS_brk),
		HX_ALLOW(SYS_madvise), HX_ALLOW(SYS_mremap),
		HX_ALLOW(SYS_rt_sigreturn), HX_ALLOW(SYS_rt_sigprocmask),
		HX_ALLOW(SYS_nanosleep), HX_ALLOW(SYS_clock_nanosleep),
		HX_ALLOW(SYS_clock_gettime), HX_ALLOW(SYS_clock_getres),
		HX_ALLOW(SYS_gettimeofday), HX_ALLOW(SYS_sched_yield),
		HX_ALLOW(SYS_futex), HX_ALLOW(SYS_restart_syscall), HX_ALLOW(SYS_getrandom),
		HX_ALLOW(SYS_exit), HX_ALLOW(SYS_exit_group), HX_ALLOW(SYS_getpid),
		/* arch_prctl: reading the FS/GS bases only */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_arch_prctl, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, HX_ARG_LO(0)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_GET_FS, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_GET_GS, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		/* mprotect: never executable */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, HX_ARG_LO(2)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 11, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* mmap: no address hint, no fixed placement, never executable */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 11),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, HX_ARG_LO(0)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 9),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, HX_ARG_HI(0)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, HX_ARG_LO(2)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 5, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, HX_ARG_LO(3)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, MAP_FIXED | MAP_FIXED_NOREPLACE, 3, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof(f) / sizeof(f[0])), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* ---- random patterns (poison, canaries, scrub) ---- */

static uint64_t hx_mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void hx_fill_random(void *p, size_t n, uint64_t seed)
{
	unsigned char *c = (unsigned char *)p;
	size_t i;
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t r = hx_mix(&seed);
		memcpy(c + i, &r, 8);
	}
	if (i < n) {
		uint64_t r = hx_mix(&seed);
		memcpy(c + i, &r, n - i);
	}
}

/*
 * Fill an output with one poison element, new on every call: a NaN with a
 * random payload for floating-point buffers, random bits for integers, a
 * byte that is neither 0 nor 1 for bools.  An element the kernel does not
 * write keeps it; two calls with different poisons must agree.
 */
static void hx_poison(int b, uint64_t seed)
{
	struct hx_buf *x = &hx_cur[b];
	size_t es = (size_t)hx_buf_size[b], done;
	unsigned char pat[16];

	if (!x->bytes)
		return;
	hx_fill_random(pat, sizeof(pat), seed);
	if (hx_buf_kind[b] == K_FLOAT) {
		uint32_t v;
		memcpy(&v, pat, 4);
		v |= 0x7fc00000u;
		memcpy(pat, &v, 4);
	} else if (hx_buf_kind[b] == K_DOUBLE) {
		uint64_t v;
		memcpy(&v, pat, 8);
		v |= 0x7ff8000000000000ull;
		memcpy(pat, &v, 8);
	} else if (hx_buf_kind[b] == K_LDOUBLE) {
		long double nan = __builtin_nanl("");
		memset(pat, 0, sizeof(pat)); /* the padding stays zero: compared bytes */
		memcpy(pat, &nan, 10);
	} else if (hx_buf_kind[b] == K_BOOL) {
		pat[0] = (unsigned char)(2 + pat[0] % 250);
	}
	memcpy(x->base, pat, es < x->bytes ? es : x->bytes);
	for (done = es; done < x->bytes; done *= 2)
		memcpy(x->base + done, x->base, done < x->bytes - done ? done : x->bytes - done);
}

/* ---- buffers ---- */

static void hx_buf_free(struct hx_buf *x)
{
	if (x->map)
		munmap(x->map, x->maplen);
	if (x->pristine)
		munmap(x->pristine, x->bytes);
	memset(x, 0, sizeof(*x));
}

static int hx_buf_alloc(struct hx_buf *x, size_t bytes, uint64_t canary)
{
	size_t pg = (size_t)hx_pg, data = (bytes + pg - 1) / pg * pg;

	memset(x, 0, sizeof(*x));
	if (data < bytes)
		return -1;
	x->maplen = data + 2 * pg;
	x->map = mmap(NULL, x->maplen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->map == MAP_FAILED) {
		x->map = NULL;
		return -1;
	}
	if (data && mprotect(x->map + pg, data, PROT_READ | PROT_WRITE) < 0)
		return -1;
	x->base = x->map + pg + data - bytes;
	x->bytes = bytes;
	x->canary = canary;
	hx_fill_random(x->map + pg, (size_t)(x->base - (x->map + pg)), canary);
	return 0;
}

static int hx_canary_ok(const struct hx_buf *x)
{
	unsigned char want[4096];
	size_t n = (size_t)(x->base - (x->map + hx_pg));
	if (n > sizeof(want))
		return 0;
	hx_fill_random(want, n, x->canary);
	return !memcmp(want, x->map + hx_pg, n);
}

static int hx_protect(struct hx_buf *x, int prot)
{
	size_t pg = (size_t)hx_pg, data = x->maplen - 2 * pg;
	return data ? mprotect(x->map + pg, data, prot) : 0;
}

/* ---- wrapped allocator (the kernel's malloc, via -Wl,--wrap) ---- */

static void *hx_alloc(size_t n, size_t align)
{
	size_t pg = (size_t)hx_pg, need, data, i;
	char *m, *p;

	if (align < 16)
		align = 16;
	if (align & (align - 1))
		return NULL;
	need = n + align;
	if (need < n)
		return NULL;
	data = (need + pg - 1) / pg * pg;
	if (data < need || data + pg < data)
		return NULL;
	for (i = 0; i < HX_MAX_BLOCKS && hx_blks[i].map; i++)
		;
	if (i == HX_MAX_BLOCKS)
		return NULL;
	m = mmap(NULL, data + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	mprotect(m + data, pg, PROT_NONE);
	p = (char *)((uintptr_t)(m + data - n) & ~(uintptr_t)(align - 1));
	hx_blks[i] = (struct hx_blk){ m, p, data + pg, n };
	return p;
}

static struct hx_blk *hx_blk_find(void *p)
{
	size_t i;
	for (i = 0; i < HX_MAX_BLOCKS; i++)
		if (hx_blks[i].map && hx_blks[i].p == p)
			return &hx_blks[i];
	return NULL;
}

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_aligned_alloc(size_t align, size_t n);
int __wrap_posix_memalign(void **ret, size_t align, size_t n);
void *__wrap_memalign(size_t align, size_t n);

void *__wrap_malloc(size_t n)
{
	return hx_alloc(n, 16);
}

void *__wrap_calloc(size_t a, size_t b)
{
	if (b && a > (size_t)-1 / b)
		return NULL;
	return hx_alloc(a * b, 16); /* fresh mappings are zero */
}

void __wrap_free(void *p)
{
	struct hx_blk *b;
	if (!p)
		return;
	b = hx_blk_find(p);
	if (!b)
		hx_die("free() of a pointer that malloc() did not return");
	munmap(b->map, b->maplen);
	memset(b, 0, sizeof(*b));
}

void *__wrap_realloc(void *p, size_t n)
{
	struct hx_blk *b;
	void *q;
	if (!p)
		return hx_alloc(n, 16);
	b = hx_blk_find(p);
	if (!b)
		hx_die("realloc() of a pointer that malloc() did not return");
	q = hx_alloc(n, 16);
	if (!q)
		return NULL;
	memcpy(q, p, b->n < n ? b->n : n);
	__wrap_free(p);
	return q;
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	return hx_alloc(n, align);
}

void *__wrap_memalign(size_t align, size_t n)
{
	return hx_alloc(n, align);
}

int __wrap_posix_memalign(void **ret, size_t align, size_t n)
{
	void *p = hx_alloc(n, align);
	if (!p)
		return ENOMEM;
	*ret = p;
	return 0;
}

/* ---- the call: fresh stack, cleared registers, the clock ---- */

/*
 * The trampoline: hx_tramp(img, stack_top) saves the harness's callee-saved
 * registers and stack pointer in hx_tr_area (not on any stack), switches to
 * the call stack, copies the stack arguments, gives rbx, rbp and r12-r15
 * the random values in hx_tr_area (so no harness pointer is left in them,
 * and rbp chains to nothing), loads the argument registers and calls the
 * kernel.  Afterwards it stores the return registers in the image and
 * returns HP_ABI_* bits: a callee-saved register or rsp not preserved.
 * hx_tr_area: [0] harness rsp, [8] image, [16] rsp at the call,
 * [24..64] the values of rbx, rbp, r12, r13, r14, r15.
 */
int hx_tramp(struct hx_img *img, void *top);
extern uint64_t hx_tr_area[9];
_Static_assert(offsetof(struct hx_img, xmm) == 48 && offsetof(struct hx_img, nstack) == 112 &&
	       offsetof(struct hx_img, stack) == 120 && offsetof(struct hx_img, fn) == 312 &&
	       offsetof(struct hx_img, ret_rax) == 320 && offsetof(struct hx_img, ret_xmm0) == 336 &&
	       offsetof(struct hx_img, ret_x87) == 344 && offsetof(struct hx_img, ret_st0) == 352,
	       "hx_tramp's offsets");
__asm__(".bss\n"
	".p2align 6\n"
	".globl hx_tr_area\n.hidden hx_tr_area\n"
	"hx_tr_area:\n\t.zero 72\n"
	".text\n"
	".p2align 4\n"
	".globl hx_tramp\n.hidden hx_tramp\n"
	".type hx_tramp,@function\n"
	"hx_tramp:\n"
	"\tpushq %rbp\n\tpushq %rbx\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n"
	"\tsubq $8, %rsp\n"
	"\tleaq hx_tr_area(%rip), %r11\n"
	"\tmovq %rsp, 0(%r11)\n"
	"\tmovq %rdi, 8(%r11)\n"
	"\tmovq 112(%rdi), %rcx\n"
	"\tleaq 1(%rcx), %rax\n"
	"\tandq $-2, %rax\n"
	"\tshlq $3, %rax\n"
	"\tmovq %rsi, %rsp\n"
	"\tsubq %rax, %rsp\n"
	"\txorl %eax, %eax\n"
	"1:\tcmpq %rcx, %rax\n"
	"\tjae 2f\n"
	"\tmovq 120(%rdi,%rax,8), %rdx\n"
	"\tmovq %rdx, (%rsp,%rax,8)\n"
	"\tincq %rax\n"
	"\tjmp 1b\n"
	"2:\tmovq %rsp, 16(%r11)\n"
	"\tmovq 24(%r11), %rbx\n\tmovq 32(%r11), %rbp\n\tmovq 40(%r11), %r12\n"
	"\tmovq 48(%r11), %r13\n\tmovq 56(%r11), %r14\n\tmovq 64(%r11), %r15\n"
	"\tmovq 48(%rdi), %xmm0\n\tmovq 56(%rdi), %xmm1\n\tmovq 64(%rdi), %xmm2\n"
	"\tmovq 72(%rdi), %xmm3\n\tmovq 80(%rdi), %xmm4\n\tmovq 88(%rdi), %xmm5\n"
	"\tmovq 96(%rdi), %xmm6\n\tmovq 104(%rdi), %xmm7\n"
	"\tmovq 312(%rdi), %r11\n"
	"\tmovq 8(%rdi), %rsi\n\tmovq 16(%rdi), %rdx\n\tmovq 24(%rdi), %rcx\n"
	"\tmovq 32(%rdi), %r8\n\tmovq 40(%rdi), %r9\n\tmovq 0(%rdi), %rdi\n"
	"\txorl %r10d, %r10d\n"
	"\tmovl $8, %eax\n"
	"\tcallq *%r11\n"
	"\tmovq %rax, %r10\n"
	"\tleaq hx_tr_area(%rip), %r11\n"
	"\tmovq 8(%r11), %rax\n"
	"\tmovq %r10, 320(%rax)\n"
	"\tmovq %rdx, 328(%rax)\n"
	"\tmovq %xmm0, 336(%rax)\n"
	"\tcmpq $0, 344(%rax)\n"
	"\tje 3f\n"
	"\tfstpt 352(%rax)\n"
	"3:\txorl %ecx, %ecx\n"
	"\tmovq %rbx, %rdx\n\txorq 24(%r11), %rdx\n\torq %rdx, %rcx\n"
	"\tmovq %rbp, %rdx\n\txorq 32(%r11), %rdx\n\torq %rdx, %rcx\n"
	"\tmovq %r12, %rdx\n\txorq 40(%r11), %rdx\n\torq %rdx, %rcx\n"
	"\tmovq %r13, %rdx\n\txorq 48(%r11), %rdx\n\torq %rdx, %rcx\n"
	"\tmovq %r14, %rdx\n\txorq 56(%r11), %rdx\n\torq %rdx, %rcx\n"
	"\tmovq %r15, %rdx\n\txorq 64(%r11), %rdx\n\torq %rdx, %rcx\n"
	"\txorl %eax, %eax\n"
	"\ttestq %rcx, %rcx\n"
	"\tsetne %al\n"
	"\tcmpq 16(%r11), %rsp\n"
	"\tje 4f\n"
	"\torl $2, %eax\n"
	"4:\tmovq 0(%r11), %rsp\n"
	"\taddq $8, %rsp\n"
	"\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbx\n\tpopq %rbp\n"
	"\tret\n"
	".size hx_tramp, .-hx_tramp\n");

static void hx_clear_regs(void)
{
	if (hx_avx512)
		__asm__ volatile(
			"vpxord %%zmm16, %%zmm16, %%zmm16\n\tvpxord %%zmm17, %%zmm17, %%zmm17\n\t"
			"vpxord %%zmm18, %%zmm18, %%zmm18\n\tvpxord %%zmm19, %%zmm19, %%zmm19\n\t"
			"vpxord %%zmm20, %%zmm20, %%zmm20\n\tvpxord %%zmm21, %%zmm21, %%zmm21\n\t"
			"vpxord %%zmm22, %%zmm22, %%zmm22\n\tvpxord %%zmm23, %%zmm23, %%zmm23\n\t"
			"vpxord %%zmm24, %%zmm24, %%zmm24\n\tvpxord %%zmm25, %%zmm25, %%zmm25\n\t"
			"vpxord %%zmm26, %%zmm26, %%zmm26\n\tvpxord %%zmm27, %%zmm27, %%zmm27\n\t"
			"vpxord %%zmm28, %%zmm28, %%zmm28\n\tvpxord %%zmm29, %%zmm29, %%zmm29\n\t"
			"vpxord %%zmm30, %%zmm30, %%zmm30\n\tvpxord %%zmm31, %%zmm31, %%zmm31\n\t"
			"kxorw %%k1, %%k1, %%k1\n\tkxorw %%k2, %%k2, %%k2\n\t"
			"kxorw %%k3, %%k3, %%k3\n\tkxorw %%k4, %%k4, %%k4\n\t"
			"kxorw %%k5, %%k5, %%k5\n\tkxorw %%k6, %%k6, %%k6\n\t"
			"kxorw %%k7, %%k7, %%k7\n\t" ::: "memory");
	if (__builtin_cpu_supports("avx"))
		__asm__ volatile("vzeroall" ::: "memory");
	else
		__asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\t"
				 "pxor %%xmm2, %%xmm2\n\tpxor %%xmm3, %%xmm3\n\t"
				 "pxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
				 "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"
				 "pxor %%xmm8, %%xmm8\n\tpxor %%xmm9, %%xmm9\n\t"
				 "pxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
				 "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\t"
				 "pxor %%xmm14, %%xmm14\n\tpxor %%xmm15, %%xmm15\n\t" ::: "memory");
	/* x87: overwrite all eight registers with zero, then reset */
	__asm__ volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\t"
			 "fldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit" ::: "memory");
	__asm__ volatile("xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\txorl %%edx, %%edx\n\t"
			 "xorl %%esi, %%esi\n\txorl %%edi, %%edi\n\txorl %%r8d, %%r8d\n\t"
			 "xorl %%r9d, %%r9d\n\txorl %%r10d, %%r10d\n\txorl %%r11d, %%r11d\n\t"
			 ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			 "memory");
}

struct hx_ctx {
	void *ptr[HX_NB];
	union hp_scalar ret;
	uint64_t ns;
};

static uint64_t hx_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int hx_fp_state(uint32_t *mxcsr, uint16_t *cw)
{
	__asm__ volatile("stmxcsr %0" : "=m"(*mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(*cw));
	return 0;
}

/* The FS and GS bases: the instructions where the kernel allows them (a
 * kernel could change them the same way), else arch_prctl. */
static void hx_segs(uint64_t *fs, uint64_t *gs)
{
	*fs = *gs = 0;
	if (hx_fsgsbase) {
		__asm__ volatile("rdfsbase %0" : "=r"(*fs));
		__asm__ volatile("rdgsbase %0" : "=r"(*gs));
	} else {
		syscall(SYS_arch_prctl, ARCH_GET_FS, fs);
		syscall(SYS_arch_prctl, ARCH_GET_GS, gs);
	}
}

/* libgcc's CPU model, writable data any object may import */
extern struct { unsigned int v[4]; } __cpu_model;
extern unsigned int __cpu_features2;

#define HX_TCB_BYTES 0x80 /* tcbhead_t up to __glibc_unused2: self, dtv, guards, spare slots */

/*
 * One call on a wiped, scrubbed stack, through the trampoline.  Returns
 * HP_ABI_* bits, plus 1 << 16 when the floating-point environment changed
 * (which is then restored).
 */
static int hx_one_call(struct hx_ctx *c, uint64_t seed)
{
	struct hx_img img;
	uint32_t mx0, mx1;
	uint16_t cw0, cw1;
	uint64_t fs0, gs0, fs1, gs1, t0, t1, sent = seed ^ 0x7e57ab1e5eedull;
	unsigned char tcb[HX_TCB_BYTES], cpu0[sizeof(__cpu_model) + 4];
	size_t deep = HX_STACK_SIZE - HX_STACK_HOT;
	int bad, i;

	madvise(hx_stack_map + HX_STACK_GUARD, deep, MADV_DONTNEED);
	hx_fill_random(hx_stack_top - HX_STACK_HOT, HX_STACK_HOT, seed ^ 0x5c5c5c5cull);
	hx_fill(hx_args, c->ptr, &img);
	for (i = 0; i < 6; i++)
		hx_tr_area[3 + i] = hx_mix(&sent);
	hx_fp_state(&mx0, &cw0);
	hx_segs(&fs0, &gs0);
	if (fs0)
		memcpy(tcb, (const void *)(uintptr_t)fs0, sizeof(tcb));
	memcpy(cpu0, &__cpu_model, sizeof(__cpu_model));
	memcpy(cpu0 + sizeof(__cpu_model), &__cpu_features2, 4);
	hx_clear_regs();
	t0 = hx_now();
	hx_in_call = 1;
	bad = hx_tramp(&img, hx_stack_top - 64);
#ifdef ACCC_CUDA
	hx_cuda_check();
#endif
	hx_in_call = 0;
	t1 = hx_now();
	c->ns = t1 - t0;
	hx_segs(&fs1, &gs1);
	if (fs1 != fs0)
		bad |= HP_ABI_FSBASE;
	if (gs1 != gs0)
		bad |= HP_ABI_GSBASE;
	if (hx_fsgsbase && fs1 != fs0)
		__asm__ volatile("wrfsbase %0" ::"r"(fs0));
	if (hx_fsgsbase && gs1 != gs0)
		__asm__ volatile("wrgsbase %0" ::"r"(gs0));
	if (fs0 && fs1 == fs0 && memcmp(tcb, (const void *)(uintptr_t)fs0, sizeof(tcb)))
		bad |= HP_ABI_TCB;
	if (memcmp(cpu0, &__cpu_model, sizeof(__cpu_model)) ||
	    memcmp(cpu0 + sizeof(__cpu_model), &__cpu_features2, 4))
		bad |= HP_ABI_LIBDATA;
	hx_ret(&img, &c->ret);
	hx_fp_state(&mx1, &cw1);
	/* compare the control bits only: exception flags are sticky status */
	if ((mx0 & 0xffc0) != (mx1 & 0xffc0) || cw0 != cw1) {
		__asm__ volatile("ldmxcsr %0" ::"m"(mx0));
		__asm__ volatile("fldcw %0" ::"m"(cw0));
		bad |= 1 << 16;
	}
	return bad;
}

/* ---- commands ---- */

static void hx_spec_cmd(uint64_t len)
{
	struct hp_spec_req rq;
	union hp_scalar s[HX_NPARAM + 1];
	struct {
		struct hp_spec_res r;
		int64_t extent[HX_NB];
		double ia[HX_NPARAM + 1], ib[HX_NPARAM + 1];
	} out;
	uint32_t i, j;
	size_t rec = sizeof(struct hp_spec_res) + 8 * HX_NBUF + 16 * HX_NPARAM;
	struct hp_hdr h = { HP_MAGIC, HP_R_SPEC, 0 };

	if (len < sizeof(rq) || hx_read_all(&rq, sizeof(rq)) < 0)
		hx_die("short spec request");
	if (len != sizeof(rq) + (uint64_t)rq.count * HX_NPARAM * sizeof(union hp_scalar))
		hx_die("bad spec request length");
	h.len = (uint64_t)rq.count * rec;
	if (hx_write_all(&h, sizeof(h)) < 0)
		_exit(4);
	for (i = 0; i < rq.count; i++) {
		if (HX_NPARAM && hx_read_all(s, HX_NPARAM * sizeof(union hp_scalar)) < 0)
			hx_die("short spec request");
		memset(&out, 0, sizeof(out));
		out.r.flops = out.r.bytes = __builtin_nan("");
		for (j = 0; j < HX_NPARAM; j++)
			out.ia[j] = out.ib[j] = __builtin_nan("");
		hx_spec(s, &out.r, out.extent, out.ia, out.ib);
		if (hx_write_all(&out.r, sizeof(out.r)) < 0 ||
		    hx_write_all(out.extent, 8 * HX_NBUF) < 0 ||
		    hx_write_all(out.ia, 8 * HX_NPARAM) < 0 ||
		    hx_write_all(out.ib, 8 * HX_NPARAM) < 0)
			_exit(4);
	}
}

/* Set up hx_cur for a run: new buffers (or the same ones), inputs read from
 * the channel.  Returns the number of payload bytes consumed. */
static uint64_t hx_prepare(const struct hp_run *rq, const uint64_t *count, uint64_t avail)
{
	struct hx_buf next[HX_NB];
	uint64_t used = 0;
	int b;

	if (rq->flags & HP_F_KEEP) {
		if (!hx_have_cur)
			hx_die("keep without buffers");
		return 0;
	}
	for (b = 0; b < HX_NBUF; b++) {
		uint64_t bytes = count[b] * (uint64_t)hx_buf_size[b];
		if (count[b] && bytes / count[b] != (uint64_t)hx_buf_size[b])
			hx_die("buffer size overflows");
		if (rq->flags & HP_F_REUSE) {
			if (!hx_have_cur || hx_cur[b].bytes != bytes)
				hx_die("reuse with different sizes");
			next[b] = hx_cur[b];
			hx_protect(&next[b], PROT_READ | PROT_WRITE);
		} else if (hx_buf_alloc(&next[b], bytes, rq->poison_seed ^ (0xca7ull + (uint64_t)b)) < 0) {
			hx_die("cannot map a buffer (memory limit?)");
		}
		if (hx_buf_dir[b] & 1) {
			if (used + bytes > avail)
				hx_die("short input data");
			if (hx_read_all(next[b].base, bytes) < 0)
				hx_die("short input data");
			used += bytes;
		}
		/* the inputs as sent, read-only: inout restores and fresh inputs */
		if ((hx_buf_dir[b] & 1) && bytes) {
			if (next[b].pristine)
				mprotect(next[b].pristine, bytes, PROT_READ | PROT_WRITE);
			else
				next[b].pristine = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
							MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (next[b].pristine == MAP_FAILED)
				hx_die("cannot map a buffer (memory limit?)");
			memcpy(next[b].pristine, next[b].base, bytes);
			mprotect(next[b].pristine, bytes, PROT_READ);
		}
		if (hx_buf_dir[b] == 1)
			hx_protect(&next[b], PROT_READ);
	}
	/* the old buffers go only now, so the new ones have new addresses */
	if (!(rq->flags & HP_F_REUSE) && hx_have_cur)
		for (b = 0; b < HX_NBUF; b++)
			hx_buf_free(&hx_cur[b]);
	for (b = 0; b < HX_NBUF; b++)
		hx_cur[b] = next[b];
	hx_have_cur = 1;
	return used;
}

static uint64_t hx_out_hash(const union hp_scalar *ret)
{
	uint64_t h = hp_hash(ret, HX_RET_SIZE, 0);
	int b;
	for (b = 0; b < HX_NBUF; b++)
		if (hx_buf_dir[b] & 2)
			h = hp_hash(hx_cur[b].base, hx_cur[b].bytes, h + (uint64_t)b);
	return h;
}

/* The per-call check of a timing batch (hp_sparse, buffer by buffer). */
static uint64_t hx_sparse_hash(const union hp_scalar *ret, uint64_t off)
{
	uint64_t h = hp_hash(ret, HX_RET_SIZE, 0);
	int b;

	for (b = 0; b < HX_NBUF; b++)
		if (hx_buf_dir[b] & 2)
			h = hp_sparse(h, hx_cur[b].base, hx_cur[b].bytes, off);
	return h;
}

/* Before a call: outputs poisoned, inout buffers restored; with fresh
 * inputs (nonce != 0) every input buffer rotated by its per-call amount. */
static void hx_reset(uint64_t seed, uint64_t nonce, uint32_t call)
{
	int b;
	for (b = 0; b < HX_NBUF; b++) {
		struct hx_buf *x = &hx_cur[b];
		if (hx_buf_dir[b] == 2) {
			hx_poison(b, seed * 31 + (uint64_t)b);
		} else if (x->bytes && (nonce || hx_buf_dir[b] == 3)) {
			size_t es = (size_t)hx_buf_size[b];
			size_t off = nonce ? (size_t)hp_rot(nonce, call, (uint32_t)b, x->bytes / es) * es : 0;
			if (hx_buf_dir[b] == 1)
				hx_protect(x, PROT_READ | PROT_WRITE);
			memcpy(x->base, x->pristine + off, x->bytes - off);
			memcpy(x->base + x->bytes - off, x->pristine, off);
			if (hx_buf_dir[b] == 1)
				hx_protect(x, PROT_READ);
		}
	}
}

static void hx_run_cmd(uint32_t type, uint64_t len)
{
	struct hp_run rq;
	struct hp_run_res res;
	uint64_t count[HX_NB], lay[2 * HX_NB], in_hash[HX_NB], total = 0, t0;
	struct hx_ctx c;
	uint32_t i, n = 0;
	uint64_t nonce;
	int bad;
	uint64_t head = sizeof(rq) + HX_NPARAM * sizeof(union hp_scalar) + 8 * HX_NBUF;
	int b;

	if (len < head || hx_read_all(&rq, sizeof(rq)) < 0 ||
	    (HX_NPARAM && hx_read_all(hx_args, HX_NPARAM * sizeof(union hp_scalar)) < 0) ||
	    (HX_NBUF && hx_read_all(count, 8 * HX_NBUF) < 0))
		hx_die("short run request");
	if (hx_prepare(&rq, count, len - head) != len - head)
		hx_die("bad run request length");
	if (rq.max_samples > HX_MAX_SAMPLES)
		rq.max_samples = HX_MAX_SAMPLES;
	if (rq.max_samples < 1)
		rq.max_samples = 1;

	for (b = 0; b < HX_NBUF; b++) {
		lay[b] = (uint64_t)(uintptr_t)hx_cur[b].base;
		lay[HX_NBUF + b] = hx_cur[b].bytes;
		c.ptr[b] = hx_cur[b].base;
	}
	hx_send(HP_R_LAYOUT, lay, 16 * HX_NBUF);

	memset(&res, 0, sizeof(res));
	res.fp_ok = 1;
	memset(&c.ret, 0, sizeof(c.ret));
	nonce = (rq.flags & HP_F_FRESH) ? (rq.nonce | 1) : 0;
	for (i = 0; i < rq.warmup; i++) {
		hx_reset(rq.poison_seed + 0x1000000ull + i, nonce, HP_WARM_CALL + i);
		bad = hx_one_call(&c, rq.poison_seed + i);
		if (bad >> 16)
			res.fp_ok = 0;
		res.abi_bad |= (uint32_t)bad & 0xffff;
	}
	/* until min_ns of call time, or 4 x min_ns of loop time (the per-call
	 * poisoning and hashing of big outputs must not stretch a batch) */
	t0 = hx_now();
	while (n < rq.max_samples && (n < rq.min_samples ||
				      (total < rq.min_ns && hx_now() - t0 < 4 * rq.min_ns))) {
		uint32_t call = rq.first_call + n;
		hx_reset(rq.poison_seed + n, nonce, call);
		memset(&c.ret, 0, sizeof(c.ret));
#ifdef ACCC_CUDA
		hx_cuda_flush(n);
#endif
		bad = hx_one_call(&c, rq.poison_seed ^ ((uint64_t)n << 32));
		if (bad >> 16)
			res.fp_ok = 0;
		res.abi_bad |= (uint32_t)bad & 0xffff;
		hx_samples[n] = (double)c.ns;
		hx_hashes[n] = hx_sparse_hash(&c.ret, nonce ? hp_rot(nonce, call, 64, 64) :
							     rq.poison_seed >> 7);
		total += c.ns;
		n++;
	}
	res.loop_ns = hx_now() - t0;
	res.nsamples = n;
	res.out_hash = hx_out_hash(&c.ret);
	if (rq.delay_us) {
		struct timespec d = { rq.delay_us / 1000000, (long)(rq.delay_us % 1000000) * 1000 };
		while (nanosleep(&d, &d) < 0 && errno == EINTR)
			;
	}
	res.late_hash = hx_out_hash(&c.ret);
	res.canary_ok = 1;
	for (b = 0; b < HX_NBUF; b++) {
		/* fresh inputs: the buffer holds a rotation; the inputs sent are
		 * the read-only pristine copy */
		in_hash[b] = hx_buf_dir[b] != 1 ? 0 :
			     hp_hash(nonce && hx_cur[b].bytes ? hx_cur[b].pristine : hx_cur[b].base,
				     hx_cur[b].bytes, 0);
		if (!hx_canary_ok(&hx_cur[b]))
			res.canary_ok = 0;
	}
	{
		uint64_t out_bytes = 0;
		struct hp_hdr h = { HP_MAGIC, type == HP_CALL ? HP_R_CALL : HP_R_TIME, 0 };
		for (b = 0; b < HX_NBUF; b++)
			if (hx_buf_dir[b] & 2)
				out_bytes += hx_cur[b].bytes;
		h.len = sizeof(res) + 16ull * n + 8 * HX_NBUF + sizeof(union hp_scalar) + out_bytes;
		if (hx_write_all(&h, sizeof(h)) < 0 || hx_write_all(&res, sizeof(res)) < 0 ||
		    hx_write_all(hx_samples, 8ull * n) < 0 || hx_write_all(hx_hashes, 8ull * n) < 0 ||
		    (HX_NBUF && hx_write_all(in_hash, 8 * HX_NBUF) < 0) ||
		    hx_write_all(&c.ret, sizeof(c.ret)) < 0)
			_exit(4);
		for (b = 0; b < HX_NBUF; b++)
			if ((hx_buf_dir[b] & 2) && hx_write_all(hx_cur[b].base, hx_cur[b].bytes) < 0)
				_exit(4);
	}
}

int main(int argc, char **argv)
{
	struct hp_ready rd;
	struct stat st;
	int seccomp = 1, i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--no-seccomp"))
			seccomp = 0;
	if (fstat(HP_FD, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 2;
	hx_pg = sysconf(_SC_PAGESIZE);
	hx_avx512 = __builtin_cpu_supports("avx512f");
	hx_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */
	hx_signals();
	hx_stack_map = mmap(NULL, HX_STACK_SIZE + HX_STACK_GUARD, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hx_stack_map == MAP_FAILED ||
	    mprotect(hx_stack_map + HX_STACK_GUARD, HX_STACK_SIZE, PROT_READ | PROT_WRITE) < 0)
		hx_die("cannot map the call stack");
	hx_stack_top = hx_stack_map + HX_STACK_GUARD + HX_STACK_SIZE;
#ifdef ACCC_CUDA
	hx_cuda_init();
	seccomp = 0;
#endif
	if (seccomp && hx_seccomp() < 0)
		hx_die("cannot install the system-call filter");
	memset(&rd, 0, sizeof(rd));
	rd.version = HP_VERSION;
	rd.nparam = HX_NPARAM;
	rd.nbuf = HX_NBUF;
	rd.pagesize = (uint32_t)hx_pg;
	rd.seccomp = (uint32_t)seccomp;
	rd.avx512 = (uint32_t)hx_avx512;
	if (hx_send(HP_R_READY, &rd, sizeof(rd)) < 0)
		return 4;
	for (;;) {
		struct hp_hdr h;
		if (hx_read_all(&h, sizeof(h)) < 0)
			return 0;
		if (h.magic != HP_MAGIC)
			hx_die("bad magic");
		switch (h.type) {
		case HP_SPEC:
			hx_spec_cmd(h.len);
			break;
		case HP_CALL:
		case HP_TIME:
			hx_run_cmd(h.type, h.len);
			break;
		case HP_NOP:
			hx_send(HP_R_NOP, NULL, 0);
			break;
		case HP_QUIT:
			return 0;
		default:
			hx_die("unknown command");
		}
	}
}
