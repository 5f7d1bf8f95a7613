/*
 * openloop: a constant-rate (open-loop) HTTP/1.1 load generator for the proxy benchmark.
 *
 *   openloop -p PORT [-h HOST] [-u PATH] [-r RATE] [-d SECONDS] [-w WARMUP_SECONDS] [-c CONNS] [-o RAW_FILE]
 *
 * Request i is due at start + i / RATE, whatever happened to earlier requests. Its latency is
 * measured from that intended time, not from when it was actually written, so a stall of the
 * server (or of this tool) counts against every request it delays: no coordinated omission, the
 * error `hey -q` and `wrk` make at a fixed rate. A due request goes out on an idle keep-alive
 * connection; when all CONNS are busy it waits in a queue, its clock already running.
 *
 * Why C and not Java: the tool shares a CPU with the upstream and must not add pauses of its own
 * (no JIT, no GC), and its timer must be sub-millisecond: a timerfd armed at the absolute due
 * time, with the thread's timer slack set to 1 ns (the default 50 us would be added to every
 * wake-up). Samples are kept whole (8 bytes each) and sorted, so percentiles are exact.
 *
 * Output (stdout, one "key value" line each): requests, errors (non-200), late (sends more
 * than 1 ms behind schedule because no connection was free or this tool was late), the achieved
 * rate, the percentiles p50 p90 p99 p99.9 max in milliseconds, start_ns (CLOCK_MONOTONIC at the
 * start of measurement, the clock of the JVM's -Xlog "timenanos" decoration) and cpu_ms (this
 * tool's own CPU time, so that a caller can tell its load from other processes'). -o writes "due_ns latency_ns" per sample
 * (due time relative to the start of measurement) to correlate the slow requests with a
 * server's GC log.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define MAX_CONNS 1024

struct conn {
    int fd;
    int busy;           /* a request is outstanding */
    uint64_t due;       /* its intended send time */
    int measured;       /* counts towards the result (after warm-up) */
    size_t have;        /* bytes buffered */
    long need;          /* total bytes of the response once the head is parsed, else -1 */
    int chunked;
    int status;
    char buf[BUF_SIZE];
};

static struct conn *conns;
static int nconns = 16;
static char request[4096];
static size_t request_len;
static struct sockaddr_in target;

static uint64_t *samples;
static uint64_t *sample_due;
static size_t nsamples, cap_samples;
static long errors;
static long late;

/* due times of requests waiting for a free connection (ring buffer) */
static uint64_t *queue;
static int *queue_measured;
static size_t qhead, qtail, qcap;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static int open_conn(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *) &target, sizeof target) < 0) die("connect");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void send_on(struct conn *c, uint64_t due, int measured) {
    c->busy = 1;
    c->due = due;
    c->measured = measured;
    c->have = 0;
    c->need = -1;
    c->chunked = 0;
    size_t off = 0;
    while (off < request_len) {
        ssize_t n = write(c->fd, request + off, request_len - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write");   /* a 100-byte request never fills an empty socket buffer */
        }
        off += (size_t) n;
    }
}

static void record(uint64_t due, uint64_t latency) {
    if (nsamples == cap_samples) {
        cap_samples = cap_samples ? cap_samples * 2 : 1 << 16;
        samples = realloc(samples, cap_samples * sizeof *samples);
        sample_due = realloc(sample_due, cap_samples * sizeof *sample_due);
        if (!samples || !sample_due) die("realloc");
    }
    samples[nsamples] = latency;
    sample_due[nsamples] = due;
    nsamples++;
}

static void enqueue(uint64_t due, int measured) {
    if (qtail - qhead == qcap) {
        size_t ncap = qcap ? qcap * 2 : 1024;
        uint64_t *nq = malloc(ncap * sizeof *nq);
        int *nm = malloc(ncap * sizeof *nm);
        if (!nq || !nm) die("malloc");
        for (size_t i = qhead; i < qtail; i++) {
            nq[i - qhead] = queue[i % qcap];
            nm[i - qhead] = queue_measured[i % qcap];
        }
        free(queue);
        free(queue_measured);
        queue = nq;
        queue_measured = nm;
        qtail -= qhead;
        qhead = 0;
        qcap = ncap;
    }
    queue[qtail % qcap] = due;
    queue_measured[qtail % qcap] = measured;
    qtail++;
}

/* Parses what is buffered; returns 1 when the whole response is there. */
static int response_complete(struct conn *c) {
    if (c->need < 0) {
        char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
        if (!end) return 0;
        size_t head = (size_t) (end - c->buf) + 4;
        c->status = (c->have > 12) ? atoi(c->buf + 9) : 0;
        long length = -1;
        for (char *line = memchr(c->buf, '\n', head); line && line < end; line = memchr(line + 1, '\n', (size_t) (end - line))) {
            char *h = line + 1;
            if (strncasecmp(h, "content-length:", 15) == 0) length = strtol(h + 15, NULL, 10);
            else if (strncasecmp(h, "transfer-encoding:", 18) == 0 && strcasestr(h, "chunked") && strcasestr(h, "chunked") < end) c->chunked = 1;
        }
        if (c->chunked) {
            c->need = (long) head;   /* the end is found by the terminating chunk below */
        } else {
            c->need = (long) head + (length < 0 ? 0 : length);
        }
    }
    if (c->chunked) {
        return c->have >= 5 && memcmp(c->buf + c->have - 5, "0\r\n\r\n", 5) == 0;
    }
    return (long) c->have >= c->need;
}

static void on_readable(struct conn *c, uint64_t recording_from) {
    for (;;) {
        ssize_t n = read(c->fd, c->buf + c->have, BUF_SIZE - c->have);
        if (n < 0) {
            if (errno == EAGAIN) return;
            if (errno == EINTR) continue;
            die("read");
        }
        if (n == 0) {
            fprintf(stderr, "openloop: the server closed a connection\n");
            exit(2);
        }
        c->have += (size_t) n;
        if (!c->busy) {
            fprintf(stderr, "openloop: unexpected bytes on an idle connection\n");
            exit(2);
        }
        if (response_complete(c)) {
            uint64_t t = now_ns();
            if (c->have != (size_t) c->need && !c->chunked) {
                fprintf(stderr, "openloop: pipelined or oversized response\n");
                exit(2);
            }
            if (c->measured) {
                if (c->status != 200) errors++;
                record(c->due - recording_from, t - c->due);
            }
            c->busy = 0;
            if (qhead < qtail) {
                uint64_t due = queue[qhead % qcap];
                int measured = queue_measured[qhead % qcap];
                qhead++;
                if (measured && t - due > 1000000ull) late++;
                send_on(c, due, measured);
            }
            return;
        }
        if (c->have == BUF_SIZE) {
            fprintf(stderr, "openloop: response larger than %d bytes\n", BUF_SIZE);
            exit(2);
        }
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least p% of all samples at or below it. */
static double pct(const uint64_t *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t rank = (size_t) (p / 100.0 * (double) n);
    if ((double) rank < p / 100.0 * (double) n) rank++;
    if (rank == 0) rank = 1;
    if (rank > n) rank = n;
    return (double) sorted[rank - 1] / 1e6;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *path = "/", *raw = NULL;
    /* Extra request headers (-H "Name: value", repeatable), e.g. a bearer token and an Origin. */
    char extra[2048] = "";
    size_t extra_len = 0;
    int port = 0;
    double rate = 2000, duration = 15, warmup = 2;
    int opt;
    while ((opt = getopt(argc, argv, "h:p:u:r:d:w:c:o:H:")) != -1) {
        switch (opt) {
            case 'H': {
                size_t n = strlen(optarg);
                if (extra_len + n + 3 > sizeof extra) {
                    fprintf(stderr, "openloop: too many header bytes\n");
                    return 2;
                }
                memcpy(extra + extra_len, optarg, n);
                memcpy(extra + extra_len + n, "\r\n", 3);
                extra_len += n + 2;
                break;
            }
            case 'h': host = optarg; break;
            case 'p': port = atoi(optarg); break;
            case 'u': path = optarg; break;
            case 'r': rate = atof(optarg); break;
            case 'd': duration = atof(optarg); break;
            case 'w': warmup = atof(optarg); break;
            case 'c': nconns = atoi(optarg); break;
            case 'o': raw = optarg; break;
            default:
                fprintf(stderr, "usage: openloop -p PORT [-h HOST] [-u PATH] [-r RATE] [-d S] [-w S] [-c CONNS] [-o RAW] [-H 'Name: value']...\n");
                return 2;
        }
    }
    if (port <= 0 || rate <= 0 || nconns <= 0 || nconns > MAX_CONNS) {
        fprintf(stderr, "openloop: need -p PORT, a positive rate and 1..%d connections\n", MAX_CONNS);
        return 2;
    }
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, host, &target.sin_addr) != 1) {
        fprintf(stderr, "openloop: host must be an IPv4 address\n");
        return 2;
    }
    request_len = (size_t) snprintf(request, sizeof request,
        "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: openloop\r\n%s\r\n", path, host, port, extra);

    conns = calloc((size_t) nconns, sizeof *conns);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < nconns; i++) {
        conns[i].fd = open_conn();
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0) die("epoll_ctl");
    }
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (tfd < 0) die("timerfd_create");
    struct epoll_event tev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev) < 0) die("epoll_ctl");

    double interval = 1e9 / rate;
    uint64_t start = now_ns() + 10000000ull;
    uint64_t recording_from = start + (uint64_t) (warmup * 1e9);
    uint64_t total = (uint64_t) ((warmup + duration) * rate);
    uint64_t sent = 0;   /* requests whose due time has been handled */
    size_t idle_hint = 0;
    struct epoll_event events[MAX_CONNS + 1];

    for (;;) {
        uint64_t t = now_ns();
        while (sent < total) {
            uint64_t due = start + (uint64_t) ((double) sent * interval);
            if (due > t) break;
            int measured = due >= recording_from;
            struct conn *free_conn = NULL;
            for (int k = 0; k < nconns; k++) {
                struct conn *c = &conns[(idle_hint + (size_t) k) % (size_t) nconns];
                if (!c->busy) {
                    free_conn = c;
                    idle_hint = (idle_hint + (size_t) k + 1) % (size_t) nconns;
                    break;
                }
            }
            if (free_conn && qhead == qtail) {
                if (measured && t - due > 1000000ull) late++;
                send_on(free_conn, due, measured);
            } else {
                enqueue(due, measured);
            }
            sent++;
        }
        int outstanding = qhead < qtail;
        for (int k = 0; k < nconns && !outstanding; k++) outstanding = conns[k].busy;
        if (sent >= total && !outstanding) break;
        if (sent < total) {
            uint64_t due = start + (uint64_t) ((double) sent * interval);
            struct itimerspec its = {0};
            its.it_value.tv_sec = (time_t) (due / 1000000000ull);
            its.it_value.tv_nsec = (long) (due % 1000000000ull);
            if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) die("timerfd_settime");
        }
        int n = epoll_wait(ep, events, nconns + 1, sent < total ? -1 : 5000);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        if (n == 0) {
            fprintf(stderr, "openloop: responses still outstanding 5 s after the last request\n");
            exit(2);
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.u32 == UINT32_MAX) {
                uint64_t expirations;
                ssize_t ignored = read(tfd, &expirations, sizeof expirations);
                (void) ignored;
            } else {
                on_readable(&conns[events[i].data.u32], recording_from);
            }
        }
    }
    uint64_t end = now_ns();

    if (raw) {
        FILE *f = fopen(raw, "w");
        if (!f) die(raw);
        for (size_t i = 0; i < nsamples; i++) fprintf(f, "%llu %llu\n", (unsigned long long) sample_due[i], (unsigned long long) samples[i]);
        fclose(f);
    }
    qsort(samples, nsamples, sizeof *samples, cmp_u64);
    double measured_s = (double) (end - recording_from) / 1e9;
    printf("requests %zu\n", nsamples);
    printf("errors %ld\n", errors);
    printf("late %ld\n", late);
    printf("rate %.0f\n", measured_s > 0 ? (double) nsamples / measured_s : 0);
    printf("p50 %.3f\n", pct(samples, nsamples, 50));
    printf("p90 %.3f\n", pct(samples, nsamples, 90));
    printf("p99 %.3f\n", pct(samples, nsamples, 99));
    printf("p99.9 %.3f\n", pct(samples, nsamples, 99.9));
    printf("max %.3f\n", nsamples ? (double) samples[nsamples - 1] / 1e6 : 0);
    printf("start_ns %llu\n", (unsigned long long) recording_from);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("cpu_ms %.0f\n", (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3
        + (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
    return 0;
}
