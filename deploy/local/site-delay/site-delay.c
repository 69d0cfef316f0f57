/*
 * site-delay: holds every packet of one or more NFQUEUE queues for that queue's delay, then accepts it.
 *
 *   site-delay --queue NUM:MICROSECONDS [--queue NUM:MICROSECONDS ...] [--maxlen PACKETS]
 *
 * The rules that send packets here are deploy/local/site-delay/site-delay-rules.sh's (docs/latency.md, "How distance
 * is made"). Each queue has one constant delay, so its packets fall due in the order they arrived: a queue is a FIFO
 * of (packet id, due time), and one batch verdict releases every packet of a queue that is due. The program sleeps in
 * ppoll until the earliest due time of all queues or the next packet, whichever comes first; nothing sleeps per packet.
 *
 * It prints "site-delay: ready ..." on stdout once every queue is bound (scripts poll for it), and one line of
 * statistics on stderr when it stops. SIGTERM or SIGINT: every packet still held is released at once (none dropped),
 * the queues are unbound, and from then on the rules' --queue-bypass lets packets pass undelayed.
 */

/* Before libnetfilter_queue.h, whose prototypes use struct timeval and u_int32_t without including them everywhere. */
#include <sys/time.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_QUEUES 32
#define MAX_DELAY_US 10000000L
/* Lateness histogram: 10 us buckets up to 100 ms, the last bucket holds everything later. */
#define LATE_BUCKET_NS 10000L
#define LATE_BUCKETS 10001
/* Packets read from the socket before the due ones are released again, so a flood cannot starve the releases. */
#define READ_BURST 256

struct held {
    uint32_t id;
    int64_t due_ns;
};

struct delay_queue {
    uint16_t num;
    int64_t delay_ns;
    struct nfq_q_handle *handle;
    struct held *ring;
    size_t capacity, head, count;
    uint64_t packets;
};

static struct delay_queue queues[MAX_QUEUES];
static int queue_count;
static uint64_t held_now, held_most, verdict_errors, overruns, unheld;
static uint64_t late_histogram[LATE_BUCKETS];
static int64_t late_max_ns;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000L + t.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "site-delay: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: site-delay --queue NUM:MICROSECONDS [--queue NUM:MICROSECONDS ...] [--maxlen PACKETS]\n");
    exit(2);
}

/* Doubles a queue's ring, keeping its packets in order. */
static int grow(struct delay_queue *q)
{
    size_t capacity = q->capacity ? q->capacity * 2 : 1024;
    struct held *ring = malloc(capacity * sizeof *ring);
    if (ring == NULL)
        return -1;
    for (size_t i = 0; i < q->count; i++)
        ring[i] = q->ring[(q->head + i) % q->capacity];
    free(q->ring);
    q->ring = ring;
    q->capacity = capacity;
    q->head = 0;
    return 0;
}

static int on_packet(struct nfq_q_handle *handle, struct nfgenmsg *message, struct nfq_data *data, void *context)
{
    (void)message;
    struct delay_queue *q = context;
    struct nfqnl_msg_packet_hdr *header = nfq_get_msg_packet_hdr(data);
    if (header == NULL)
        return 0;
    uint32_t id = ntohl(header->packet_id);
    if (q->count == q->capacity && grow(q) != 0) {
        /* Out of memory: pass this packet undelayed rather than lose it. */
        if (nfq_set_verdict(handle, id, NF_ACCEPT, 0, NULL) < 0)
            verdict_errors++;
        unheld++;
        return 0;
    }
    q->ring[(q->head + q->count) % q->capacity] = (struct held){ .id = id, .due_ns = now_ns() + q->delay_ns };
    q->count++;
    q->packets++;
    if (++held_now > held_most)
        held_most = held_now;
    return 0;
}

/* Releases every packet that is due: per queue, one batch verdict for the newest due id accepts all older ones. */
static void release_due(int64_t now)
{
    for (int i = 0; i < queue_count; i++) {
        struct delay_queue *q = &queues[i];
        uint32_t last = 0;
        int any = 0;
        while (q->count > 0 && q->ring[q->head].due_ns <= now) {
            int64_t late = now - q->ring[q->head].due_ns;
            late_histogram[late / LATE_BUCKET_NS < LATE_BUCKETS - 1 ? late / LATE_BUCKET_NS : LATE_BUCKETS - 1]++;
            if (late > late_max_ns)
                late_max_ns = late;
            last = q->ring[q->head].id;
            any = 1;
            q->head = (q->head + 1) % q->capacity;
            q->count--;
            held_now--;
        }
        if (any && nfq_set_verdict_batch(q->handle, last, NF_ACCEPT) < 0)
            verdict_errors++;
    }
}

/* At shutdown: everything still held goes now. */
static void release_all(void)
{
    for (int i = 0; i < queue_count; i++) {
        struct delay_queue *q = &queues[i];
        if (q->count > 0 && nfq_set_verdict_batch(q->handle, q->ring[(q->head + q->count - 1) % q->capacity].id, NF_ACCEPT) < 0)
            verdict_errors++;
        held_now -= q->count;
        q->count = 0;
    }
}

static int64_t earliest_due(void)
{
    int64_t earliest = INT64_MAX;
    for (int i = 0; i < queue_count; i++)
        if (queues[i].count > 0 && queues[i].ring[queues[i].head].due_ns < earliest)
            earliest = queues[i].ring[queues[i].head].due_ns;
    return earliest;
}

static long late_percentile_us(double fraction, uint64_t total)
{
    uint64_t rank = (uint64_t)(fraction * (double)total), seen = 0;
    for (int i = 0; i < LATE_BUCKETS; i++) {
        seen += late_histogram[i];
        if (seen > rank)
            return (long)((i + 1) * LATE_BUCKET_NS / 1000);
    }
    return 0;
}

static void print_statistics(void)
{
    uint64_t total = 0;
    for (int i = 0; i < queue_count; i++)
        total += queues[i].packets;
    uint64_t released = 0;
    for (int i = 0; i < LATE_BUCKETS; i++)
        released += late_histogram[i];
    fprintf(stderr, "site-delay: stopped; packets %" PRIu64 " (", total);
    for (int i = 0; i < queue_count; i++)
        fprintf(stderr, "%squeue %u: %" PRIu64, i ? ", " : "", queues[i].num, queues[i].packets);
    fprintf(stderr, "), most held at once %" PRIu64 ", released after their due time by p50 <%ld us, p99 <%ld us, max %ld us, "
        "verdict errors %" PRIu64 ", receive overruns %" PRIu64 ", passed undelayed %" PRIu64 "\n",
        held_most, late_percentile_us(0.50, released), late_percentile_us(0.99, released), (long)(late_max_ns / 1000),
        verdict_errors, overruns, unheld);
}

static void parse_queue(const char *text)
{
    char *end;
    if (queue_count == MAX_QUEUES) {
        fprintf(stderr, "site-delay: at most %d queues\n", MAX_QUEUES);
        exit(2);
    }
    errno = 0;
    long num = strtol(text, &end, 10);
    if (errno || end == text || *end != ':' || num < 0 || num > 65535)
        usage();
    const char *delay_text = end + 1;
    long delay_us = strtol(delay_text, &end, 10);
    if (errno || end == delay_text || *end != '\0' || delay_us < 0 || delay_us > MAX_DELAY_US)
        usage();
    for (int i = 0; i < queue_count; i++)
        if (queues[i].num == num) {
            fprintf(stderr, "site-delay: queue %ld given twice\n", num);
            exit(2);
        }
    queues[queue_count++] = (struct delay_queue){ .num = (uint16_t)num, .delay_ns = delay_us * 1000L };
}

int main(int argc, char **argv)
{
    long maxlen = 16384;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--queue") == 0 && i + 1 < argc) {
            parse_queue(argv[++i]);
        } else if (strcmp(argv[i], "--maxlen") == 0 && i + 1 < argc) {
            char *end;
            maxlen = strtol(argv[++i], &end, 10);
            if (*end != '\0' || maxlen < 1 || maxlen > 1000000)
                usage();
        } else {
            usage();
        }
    }
    if (queue_count == 0)
        usage();

    /* The releases' precision is the wake-up's: no timer slack (the default is 50 us). */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    if (sigprocmask(SIG_BLOCK, &stop_signals, NULL) < 0)
        die("sigprocmask");
    int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd < 0)
        die("signalfd");

    struct nfq_handle *nfq = nfq_open();
    if (nfq == NULL)
        die("nfq_open (root, or CAP_NET_ADMIN, is needed)");
    for (int i = 0; i < queue_count; i++) {
        struct delay_queue *q = &queues[i];
        q->handle = nfq_create_queue(nfq, q->num, on_packet, q);
        if (q->handle == NULL) {
            fprintf(stderr, "site-delay: cannot bind queue %u (another program holds it?)\n", q->num);
            exit(1);
        }
        /* Only the packet id comes up: the packet itself stays in the kernel while it is held. */
        if (nfq_set_mode(q->handle, NFQNL_COPY_META, 0) < 0)
            die("nfq_set_mode");
        if (nfq_set_queue_maxlen(q->handle, (uint32_t)maxlen) < 0)
            die("nfq_set_queue_maxlen");
        /* GSO packets come up whole instead of being cut into segments first: nothing here reads them. */
        if (nfq_set_queue_flags(q->handle, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) < 0)
            die("nfq_set_queue_flags");
        if (grow(q) != 0)
            die("malloc");
    }
    int fd = nfq_fd(nfq);
    /* A burst must fit in the socket: a message the kernel cannot deliver is a dropped packet. */
    int buffer = 8 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);

    printf("site-delay: ready;");
    for (int i = 0; i < queue_count; i++)
        printf(" queue %u holds %.3f ms%s", queues[i].num, (double)queues[i].delay_ns / 1e6, i + 1 < queue_count ? "," : "\n");
    fflush(stdout);

    static char message[65536] __attribute__((aligned(8)));
    struct pollfd watched[2] = { { .fd = fd, .events = POLLIN }, { .fd = signal_fd, .events = POLLIN } };
    for (;;) {
        release_due(now_ns());
        int64_t due = earliest_due();
        struct timespec timeout, *wait = NULL;
        if (due != INT64_MAX) {
            int64_t left = due - now_ns();
            if (left < 0)
                left = 0;
            timeout.tv_sec = left / 1000000000L;
            timeout.tv_nsec = left % 1000000000L;
            wait = &timeout;
        }
        if (ppoll(watched, 2, wait, NULL) < 0) {
            if (errno == EINTR)
                continue;
            die("ppoll");
        }
        if (watched[1].revents & POLLIN)
            break;
        if (!(watched[0].revents & POLLIN))
            continue;
        for (int n = 0; n < READ_BURST; n++) {
            ssize_t length = recv(fd, message, sizeof message, MSG_DONTWAIT);
            if (length < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                if (errno == ENOBUFS) {
                    /* The kernel could not deliver some messages; their packets were dropped (counted). */
                    overruns++;
                    continue;
                }
                if (errno == EINTR)
                    continue;
                die("recv");
            }
            nfq_handle_packet(nfq, message, (int)length);
        }
    }

    /* Take up what the kernel already sent, so that it is released too rather than dropped with the queues. */
    for (;;) {
        ssize_t length = recv(fd, message, sizeof message, MSG_DONTWAIT);
        if (length < 0 && errno == ENOBUFS)
            continue;
        if (length <= 0)
            break;
        nfq_handle_packet(nfq, message, (int)length);
    }
    release_all();
    for (int i = 0; i < queue_count; i++)
        nfq_destroy_queue(queues[i].handle);
    nfq_close(nfq);
    print_statistics();
    return 0;
}
