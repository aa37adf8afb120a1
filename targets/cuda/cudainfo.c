#include "cudainfo.h"
#include "log.h"
#include "run.h"

#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Driver API attribute numbers (cuda.h, stable ABI). */
enum {
	ATTR_SM_COUNT = 16,
	ATTR_L2_SIZE = 38,
	ATTR_CC_MAJOR = 75,
	ATTR_CC_MINOR = 76,
	ATTR_SMEM_PER_SM = 81,
	ATTR_REGS_PER_SM = 82,
};

typedef int (*cu_init_fn)(unsigned);
typedef int (*cu_int_fn)(int *);
typedef int (*cu_dev_fn)(int *, int);
typedef int (*cu_name_fn)(char *, int, int);
typedef int (*cu_attr_fn)(int *, int, int);
typedef int (*cu_mem_fn)(size_t *, int);
typedef int (*cu_ctx_fn)(void **, int);
typedef int (*cu_rel_fn)(int);

/* In the child: query device 0, write the fields to fd.  Returns the exit code. */
static int query_child(int fd)
{
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	cu_init_fn init;
	cu_int_fn drv, count;
	cu_dev_fn get;
	cu_name_fn name;
	cu_attr_fn attr;
	cu_mem_fn mem;
	int dev, n = 0, v = 0, a[6], i, rc;
	static const int ids[6] = { ATTR_CC_MAJOR, ATTR_CC_MINOR, ATTR_SM_COUNT, ATTR_L2_SIZE,
				    ATTR_SMEM_PER_SM, ATTR_REGS_PER_SM };
	char nm[128] = "";
	size_t bytes = 0;

	if (!h) {
		dprintf(fd, "why no CUDA driver (libcuda.so.1 not found)\n");
		return 1;
	}
	init = (cu_init_fn)dlsym(h, "cuInit");
	drv = (cu_int_fn)dlsym(h, "cuDriverGetVersion");
	count = (cu_int_fn)dlsym(h, "cuDeviceGetCount");
	get = (cu_dev_fn)dlsym(h, "cuDeviceGet");
	name = (cu_name_fn)dlsym(h, "cuDeviceGetName");
	attr = (cu_attr_fn)dlsym(h, "cuDeviceGetAttribute");
	mem = (cu_mem_fn)dlsym(h, "cuDeviceTotalMem_v2");
	if (!init || !drv || !count || !get || !name || !attr || !mem) {
		dprintf(fd, "why libcuda.so.1 lacks the driver API\n");
		return 1;
	}
	if ((rc = init(0)) != 0) {
		dprintf(fd, "why cuInit failed (CUDA error %d: no usable GPU)\n", rc);
		return 1;
	}
	if (count(&n) != 0 || n < 1 || get(&dev, 0) != 0) {
		dprintf(fd, "why no GPU visible to CUDA\n");
		return 1;
	}
	drv(&v);
	name(nm, sizeof(nm), dev);
	for (i = 0; i < 6; i++)
		if (attr(&a[i], ids[i], dev) != 0)
			a[i] = 0;
	mem(&bytes, dev);
	{
		/* a context makes the driver create its device files (UVM
		 * among them) here, outside any sandbox: judge runs may open
		 * them but not create them */
		cu_ctx_fn retain = (cu_ctx_fn)dlsym(h, "cuDevicePrimaryCtxRetain");
		cu_rel_fn release = (cu_rel_fn)dlsym(h, "cuDevicePrimaryCtxRelease_v2");
		void *ctx = NULL;
		if (retain && retain(&ctx, dev) == 0 && release)
			release(dev);
	}
	dprintf(fd, "name %s\ncc %d %d\nsms %d\nl2 %d\nsmem %d\nregs %d\nmem %zu\ndriver %d\n",
		nm, a[0], a[1], a[2], a[3], a[4], a[5], bytes, v);
	return 0;
}

static void parse_line(struct cudainfo *ci, char *line)
{
	char *val = strchr(line, ' ');

	if (!val)
		return;
	*val++ = '\0';
	if (!strcmp(line, "why"))
		snprintf(ci->why, sizeof(ci->why), "%s", val);
	else if (!strcmp(line, "name"))
		snprintf(ci->name, sizeof(ci->name), "%s", val);
	else if (!strcmp(line, "cc"))
		sscanf(val, "%d %d", &ci->cc_major, &ci->cc_minor);
	else if (!strcmp(line, "sms"))
		ci->sms = atoi(val);
	else if (!strcmp(line, "l2"))
		ci->l2 = atoi(val);
	else if (!strcmp(line, "smem"))
		ci->smem_per_sm = atoi(val);
	else if (!strcmp(line, "regs"))
		ci->regs_per_sm = atoi(val);
	else if (!strcmp(line, "mem"))
		ci->mem = strtoull(val, NULL, 10);
	else if (!strcmp(line, "driver"))
		ci->driver = atoi(val);
}

static void query_gpu(struct cudainfo *ci)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[512], *line, *save = NULL;
	int fds[2], status = 0;
	ssize_t got;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(ci->why, sizeof(ci->why), "cannot start the GPU query: %s",
			 strerror(errno));
		return;
	}
	if (!pid) {
		close(fds[0]);
		_exit(query_child(fds[1]));
	}
	close(fds[1]);
	while ((got = read(fds[0], buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR))
		if (got > 0)
			strbuf_add(&sb, buf, (size_t)got);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		parse_line(ci, line);
	ci->ok = WIFEXITED(status) && !WEXITSTATUS(status) && ci->sms > 0;
	if (!ci->ok && !ci->why[0])
		snprintf(ci->why, sizeof(ci->why), "the GPU query died (status %d)", status);
	strbuf_release(&sb);
}

/* Run `nvcc --version`; 0 with its "release ..." text in id, else -1. */
static int nvcc_version(const char *nvcc, char *id, size_t idsz)
{
	struct child c = CHILD_INIT;
	struct strbuf out = STRBUF_INIT;
	const char *rel;
	int ret = -1;

	strvec_push(&c.args, nvcc);
	strvec_push(&c.args, "--version");
	c.stdin_null = 1;
	c.timeout_ms = 30000;
	if (child_capture(&c, &out, NULL, 1 << 16) == 0 && (rel = strstr(out.buf, "release "))) {
		snprintf(id, idsz, "%.*s", (int)strcspn(rel, "\n"), rel);
		ret = 0;
	}
	child_release(&c);
	strbuf_release(&out);
	return ret;
}

static char nvcc_path[256], nvcc_id[128];

const char *cudainfo_nvcc(void)
{
	static int done;
	const char *env = getenv("ACCC_NVCC");
	const char *cands[3] = { env && *env ? env : NULL, "/usr/local/cuda/bin/nvcc", "nvcc" };
	int i;

	if (done)
		return nvcc_path[0] ? nvcc_path : NULL;
	done = 1;
	for (i = 0; i < 3 && !nvcc_path[0]; i++) {
		if (!cands[i] || (strchr(cands[i], '/') && access(cands[i], X_OK)))
			continue;
		if (!nvcc_version(cands[i], nvcc_id, sizeof(nvcc_id)))
			snprintf(nvcc_path, sizeof(nvcc_path), "%s", cands[i]);
	}
	return nvcc_path[0] ? nvcc_path : NULL;
}

const struct cudainfo *cudainfo_get(void)
{
	static struct cudainfo ci;
	static int done;

	if (done)
		return &ci;
	done = 1;
	query_gpu(&ci);
	if (ci.ok)
		/* the "a" variants unlock wgmma/TMA/setmaxnreg on Hopper and later */
		snprintf(ci.arch, sizeof(ci.arch), "sm_%d%d%s", ci.cc_major, ci.cc_minor,
			 ci.cc_major >= 9 ? "a" : "");
	if (cudainfo_nvcc()) {
		snprintf(ci.nvcc, sizeof(ci.nvcc), "%s", nvcc_path);
		snprintf(ci.nvcc_id, sizeof(ci.nvcc_id), "%s", nvcc_id);
	}
	return &ci;
}

void cudainfo_nvcc_flags(struct strbuf *out, const struct cudainfo *ci)
{
	strbuf_addf(out, "-O3 -std=c++17 -arch=%s", ci->arch[0] ? ci->arch : "native");
}

static void fingerprint_text(struct strbuf *out, const struct cudainfo *ci)
{
	strbuf_addstr(out, "target cuda\n");
	strbuf_addf(out, "gpu %s\n", ci->name);
	strbuf_addf(out, "cc %d.%d\n", ci->cc_major, ci->cc_minor);
	strbuf_addf(out, "sms %d\n", ci->sms);
	/* MiB: the driver reports a few KiB differently across versions */
	strbuf_addf(out, "memory %llu MiB\n", ci->mem >> 20);
	strbuf_addf(out, "l2 %d\n", ci->l2);
	strbuf_addf(out, "smem-per-sm %d\n", ci->smem_per_sm);
	strbuf_addf(out, "regs-per-sm %d\n", ci->regs_per_sm);
	strbuf_addf(out, "driver %d.%d\n", ci->driver / 1000, ci->driver % 1000 / 10);
	strbuf_addf(out, "nvcc %s\n", ci->nvcc_id[0] ? ci->nvcc_id : "none");
	strbuf_addstr(out, "nvcc-flags ");
	cudainfo_nvcc_flags(out, ci);
	strbuf_addch(out, '\n');
}

int cudainfo_fingerprint(struct strbuf *out)
{
	const struct cudainfo *ci = cudainfo_get();

	if (!ci->ok) {
		strbuf_addf(out, "target cuda\nerror no GPU: %s\n", ci->why);
		return -1;
	}
	fingerprint_text(out, ci);
	if (!ci->nvcc_id[0]) {
		strbuf_addstr(out, "error no nvcc (set ACCC_NVCC, or install CUDA in /usr/local/cuda)\n");
		return -1;
	}
	return 0;
}

int cudainfo_json(struct strbuf *out)
{
	const struct cudainfo *ci = cudainfo_get();
	struct strbuf fp = STRBUF_INIT, fl = STRBUF_INIT;
	cJSON *o = cJSON_CreateObject();
	char *text;
	int ret = 0;

	cJSON_AddStringToObject(o, "target", "cuda");
	cJSON_AddBoolToObject(o, "gpu", ci->ok);
	if (ci->ok) {
		cJSON_AddStringToObject(o, "name", ci->name);
		cJSON_AddNumberToObject(o, "cc_major", ci->cc_major);
		cJSON_AddNumberToObject(o, "cc_minor", ci->cc_minor);
		cJSON_AddStringToObject(o, "arch", ci->arch);
		cJSON_AddNumberToObject(o, "sms", ci->sms);
		cJSON_AddNumberToObject(o, "memory", (double)ci->mem);
		cJSON_AddNumberToObject(o, "l2", ci->l2);
		cJSON_AddNumberToObject(o, "smem_per_sm", ci->smem_per_sm);
		cJSON_AddNumberToObject(o, "regs_per_sm", ci->regs_per_sm);
		cJSON_AddNumberToObject(o, "driver", ci->driver);
	} else {
		cJSON_AddStringToObject(o, "error", ci->why);
	}
	cJSON_AddStringToObject(o, "nvcc", ci->nvcc);
	cJSON_AddStringToObject(o, "nvcc_version", ci->nvcc_id);
	cudainfo_nvcc_flags(&fl, ci);
	cJSON_AddStringToObject(o, "nvcc_flags", fl.buf);
	if (cudainfo_fingerprint(&fp) < 0)
		ret = -1;
	else
		cJSON_AddStringToObject(o, "fingerprint", fp.buf);
	text = cJSON_Print(o);
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	free(text);
	cJSON_Delete(o);
	strbuf_release(&fp);
	strbuf_release(&fl);
	return ret;
}
