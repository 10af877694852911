/*
 * LD_PRELOAD library for the kernel lab's user-mode-linux guests.
 *
 * Debian's linux.uml (6.1) saves and restores each guest process's FPU and
 * vector state with PTRACE_GETREGSET / PTRACE_SETREGSET of NT_X86_XSTATE,
 * using a buffer sized for the XSAVE layout it was built for (2,696 bytes,
 * AVX-512). A host kernel accepts a SETREGSET of NT_X86_XSTATE only when its
 * length is the host's full XSAVE size; on a CPU with AMX that is larger
 * (11,008 bytes), the write fails with EFAULT and UML kills the guest's init.
 * A GETREGSET with a short buffer succeeds (truncated), so only writes fail.
 *
 * What this library does, and only after the host has refused a write (or
 * on every write with IPVS_LAB_XSTATE=always, so any host can exercise it):
 * read the traced process's whole XSAVE area into a buffer of the host's
 * size, lay UML's bytes over its beginning, and write the whole area back.
 * The components beyond UML's buffer keep the values the process already
 * has; UML never gives guest programs a way to use them (AMX needs a host
 * arch_prctl that a guest cannot make).
 *
 * On a host whose whole area is no larger than UML's buffer (an AMD EPYC
 * without AVX-512: 2,440 bytes), there is nothing to overlay: the host takes
 * the beginning of UML's buffer, and the write is left to it, and counted.
 *
 * IPVS_LAB_XSTATE_REPORT names a file that receives one line of counts, for
 * the lab's report: the sizes seen, how often the host refused a write, how
 * often the overlay was used and how often it failed, and how many writes
 * were left to the host because its area is no larger than UML's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

/* Far above any XSAVE area a CPU has today (AMX: 11,008 bytes). */
#define WHOLE_AREA_CAPACITY (64 * 1024)

typedef long (*ptrace_function)(enum __ptrace_request, ...);

static ptrace_function real_ptrace;
static unsigned char *whole_area;
static int overlay_every_write;
static int host_refused_short_write;
static int report_fd = -1;

static struct {
	size_t uml_bytes;
	size_t host_bytes;
	unsigned long refused;
	unsigned long overlays;
	unsigned long overlay_failures;
	unsigned long passed_through;
} counts;

static void write_report(void)
{
	char line[200];
	int n;

	if (report_fd < 0)
		return;
	n = snprintf(line, sizeof line,
		     "mode=%s uml_bytes=%zu host_bytes=%zu refused=%lu overlays=%lu overlay_failures=%lu passed_through=%lu\n",
		     overlay_every_write ? "always" : "auto", counts.uml_bytes,
		     counts.host_bytes, counts.refused, counts.overlays,
		     counts.overlay_failures, counts.passed_through);
	if (n <= 0 || (size_t)n >= sizeof line)
		return;
	if (ftruncate(report_fd, 0) == 0 && pwrite(report_fd, line, n, 0) < 0) {
		/* The report is a diagnostic; the guest goes on without it. */
	}
}

/* Reports at 1, 2, 4, 8, ... events, so a long run costs a few writes. */
static void count_event(unsigned long *counter)
{
	unsigned long n = ++*counter;

	if ((n & (n - 1)) == 0)
		write_report();
}

__attribute__((constructor)) static void setup(void)
{
	const char *mode = getenv("IPVS_LAB_XSTATE");
	const char *report = getenv("IPVS_LAB_XSTATE_REPORT");
	void *area;

	real_ptrace = (ptrace_function)dlsym(RTLD_NEXT, "ptrace");
	overlay_every_write = mode != NULL && strcmp(mode, "always") == 0;
	/* Allocated once, outside UML's small kernel stacks and its allocator. */
	area = mmap(NULL, WHOLE_AREA_CAPACITY, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	whole_area = area == MAP_FAILED ? NULL : area;
	if (report != NULL && report[0] != '\0')
		report_fd = open(report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	write_report();
}

__attribute__((destructor)) static void finish(void)
{
	write_report();
}

/* Writes UML's bytes over the process's whole XSAVE area; -1 with errno on failure. */
static long overlay_write(pid_t pid, const struct iovec *uml)
{
	struct iovec whole = { .iov_base = whole_area, .iov_len = WHOLE_AREA_CAPACITY };
	long r;

	if (real_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &whole) < 0)
		goto failed;
	counts.host_bytes = whole.iov_len;
	if (whole.iov_len >= WHOLE_AREA_CAPACITY || uml->iov_len > whole.iov_len) {
		/* Nothing to overlay (or not the case this library knows): the kernel judges UML's own write. */
		count_event(&counts.passed_through);
		return real_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, (void *)uml);
	}
	memcpy(whole_area, uml->iov_base, uml->iov_len);
	r = real_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &whole);
	if (r < 0)
		goto failed;
	count_event(&counts.overlays);
	return r;
failed:
	r = errno;
	count_event(&counts.overlay_failures);
	errno = r;
	return -1;
}

long ptrace(enum __ptrace_request request, ...)
{
	struct iovec *uml;
	va_list ap;
	pid_t pid;
	void *addr, *data;
	long r;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);

	if (real_ptrace == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if (request != PTRACE_SETREGSET || (unsigned long)addr != NT_X86_XSTATE ||
	    whole_area == NULL || data == NULL)
		return real_ptrace(request, pid, addr, data);

	uml = data;
	counts.uml_bytes = uml->iov_len;
	if (!overlay_every_write && !host_refused_short_write) {
		r = real_ptrace(request, pid, addr, data);
		if (r == 0 || errno != EFAULT)
			return r;
		/* The host wants its whole area; it will for every later write too. */
		host_refused_short_write = 1;
		count_event(&counts.refused);
	}
	return overlay_write(pid, uml);
}
