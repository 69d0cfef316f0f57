/*
 * site-delay-probe: the echo server and the clients deploy/local/site-delay/measure.sh measures the delay with.
 * Every message is 16 bytes: a sequence number and the sender's CLOCK_MONOTONIC time in ns. Client and server run on
 * one machine, so one clock serves both: the round trip (ping) and the one-way delay (receive) are both exact.
 *
 *   site-delay-probe echo tcp|udp ADDR PORT SECONDS        echo everything back, for at most SECONDS
 *   site-delay-probe ping tcp|udp ADDR PORT RATE COUNT     send COUNT messages at RATE a second (not waiting for the
 *                                                          answers), print the round trips' statistics
 *   site-delay-probe push ADDR PORT RATE COUNT             accept one TCP connection, send COUNT messages at RATE a
 *                                                          second on it, close (a primary streaming to a standby)
 *   site-delay-probe receive ADDR PORT                     connect, read until the server closes, print the one-way
 *                                                          delays' statistics
 *
 * Statistics: one line "samples=N lost=N min_us=N p50_us=N p99_us=N max_us=N". Every mode is bounded in time.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MESSAGE 16
#define MAX_CONNECTIONS 64
/* How long a client waits for the last answers, and a receive for the next message. */
#define DRAIN_NS 3000000000L

struct message {
    uint64_t sequence;
    int64_t sent_ns;
};

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000L + t.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "site-delay-probe: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: site-delay-probe echo tcp|udp ADDR PORT SECONDS\n"
                    "       site-delay-probe ping tcp|udp ADDR PORT RATE COUNT\n"
                    "       site-delay-probe push ADDR PORT RATE COUNT\n"
                    "       site-delay-probe receive ADDR PORT\n");
    exit(2);
}

static long number(const char *text, long minimum, long maximum)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || value < minimum || value > maximum)
        usage();
    return value;
}

static struct sockaddr_in address_of(const char *address, const char *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)number(port, 1, 65535)) };
    if (inet_pton(AF_INET, address, &a.sin_addr) != 1)
        usage();
    return a;
}

static int is_udp(const char *protocol)
{
    if (strcmp(protocol, "udp") == 0)
        return 1;
    if (strcmp(protocol, "tcp") != 0)
        usage();
    return 0;
}

static int open_socket(int udp)
{
    int s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (s < 0)
        die("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!udp)
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return s;
}

static int listen_on(struct sockaddr_in a, int udp)
{
    int s = open_socket(udp);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (!udp && listen(s, MAX_CONNECTIONS) < 0)
        die("listen");
    return s;
}

static int connect_to(struct sockaddr_in a, int udp)
{
    int s = open_socket(udp);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("connect");
    return s;
}

static void write_all(int s, const void *data, size_t length)
{
    const char *p = data;
    while (length > 0) {
        ssize_t n = write(s, p, length);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("write");
        }
        p += n;
        length -= (size_t)n;
    }
}

static int compare(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void print_statistics(int64_t *samples, long count, long expected)
{
    if (count == 0) {
        printf("samples=0 lost=%ld\n", expected);
        return;
    }
    qsort(samples, (size_t)count, sizeof *samples, compare);
    printf("samples=%ld lost=%ld min_us=%ld p50_us=%ld p99_us=%ld max_us=%ld\n", count, expected - count,
        (long)(samples[0] / 1000), (long)(samples[count / 2] / 1000), (long)(samples[count * 99 / 100] / 1000),
        (long)(samples[count - 1] / 1000));
}

/* Reads whole messages out of a TCP byte stream (or one per datagram) and records now - sent_ns for each. */
struct reader {
    char pending[MESSAGE];
    size_t filled;
};

static int read_messages(int s, struct reader *r, int64_t *samples, long *count, long capacity)
{
    char buffer[65536];
    ssize_t n = read(s, buffer, sizeof buffer);
    if (n <= 0)
        return n < 0 && (errno == EAGAIN || errno == EINTR) ? 1 : 0;
    int64_t now = now_ns();
    for (ssize_t i = 0; i < n; i++) {
        r->pending[r->filled++] = buffer[i];
        if (r->filled == MESSAGE) {
            struct message m;
            memcpy(&m, r->pending, MESSAGE);
            if (*count < capacity)
                samples[(*count)++] = now - m.sent_ns;
            r->filled = 0;
        }
    }
    return 1;
}

static int echo(int udp, struct sockaddr_in a, long seconds)
{
    int listener = listen_on(a, udp);
    struct pollfd watched[1 + MAX_CONNECTIONS];
    int watching = 1;
    watched[0] = (struct pollfd){ .fd = listener, .events = POLLIN };
    int64_t end = now_ns() + seconds * 1000000000L;
    char buffer[65536];
    for (int64_t now = now_ns(); now < end; now = now_ns()) {
        int ready = poll(watched, (nfds_t)watching, (int)((end - now) / 1000000L) + 1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (udp && (watched[0].revents & POLLIN)) {
            struct sockaddr_in from;
            socklen_t length = sizeof from;
            ssize_t n = recvfrom(listener, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length);
            if (n > 0)
                sendto(listener, buffer, (size_t)n, 0, (struct sockaddr *)&from, length);
            continue;
        }
        if (watched[0].revents & POLLIN) {
            int connection = accept(listener, NULL, NULL);
            if (connection >= 0 && watching < 1 + MAX_CONNECTIONS) {
                int one = 1;
                setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                watched[watching++] = (struct pollfd){ .fd = connection, .events = POLLIN };
            } else if (connection >= 0) {
                close(connection);
            }
        }
        for (int i = 1; i < watching; i++) {
            if (!(watched[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(watched[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                write_all(watched[i].fd, buffer, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(watched[i].fd);
                watched[i--] = watched[--watching];
            }
        }
    }
    return 0;
}

static int ping(int udp, struct sockaddr_in a, long rate, long count)
{
    int s = connect_to(a, udp);
    int64_t *samples = malloc((size_t)count * sizeof *samples);
    if (samples == NULL)
        die("malloc");
    long received = 0, sent = 0;
    struct reader r = { .filled = 0 };
    int64_t start = now_ns(), period = 1000000000L / rate, last_due = start + (count - 1) * period;
    struct pollfd watched = { .fd = s, .events = POLLIN };
    for (;;) {
        int64_t now = now_ns();
        /* Open loop: every message due by now goes out, however late the answers are. */
        while (sent < count && start + sent * period <= now) {
            struct message m = { .sequence = (uint64_t)sent, .sent_ns = now_ns() };
            if (udp)
                send(s, &m, sizeof m, 0);
            else
                write_all(s, &m, sizeof m);
            sent++;
        }
        if (received >= count || now > last_due + DRAIN_NS)
            break;
        int64_t wake = sent < count ? start + sent * period : last_due + DRAIN_NS;
        int64_t left = wake > now ? wake - now : 0;
        struct timespec timeout = { .tv_sec = left / 1000000000L, .tv_nsec = left % 1000000000L };
        if (ppoll(&watched, 1, &timeout, NULL) < 0 && errno != EINTR)
            die("ppoll");
        if (watched.revents & (POLLIN | POLLHUP | POLLERR)) {
            if (udp) {
                struct message m;
                if (recv(s, &m, sizeof m, 0) == (ssize_t)sizeof m && received < count)
                    samples[received++] = now_ns() - m.sent_ns;
            } else if (!read_messages(s, &r, samples, &received, count)) {
                break;
            }
        }
    }
    print_statistics(samples, received, count);
    close(s);
    return 0;
}

static int push(struct sockaddr_in a, long rate, long count)
{
    int listener = listen_on(a, 0);
    struct pollfd waiting = { .fd = listener, .events = POLLIN };
    if (poll(&waiting, 1, (int)(DRAIN_NS / 1000000L) * 10) <= 0) {
        fprintf(stderr, "site-delay-probe: nobody connected to push to\n");
        return 1;
    }
    int s = accept(listener, NULL, NULL);
    if (s < 0)
        die("accept");
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int64_t start = now_ns(), period = 1000000000L / rate;
    for (long sent = 0; sent < count; sent++) {
        struct timespec due = { .tv_sec = (start + sent * period) / 1000000000L, .tv_nsec = (start + sent * period) % 1000000000L };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {
        }
        struct message m = { .sequence = (uint64_t)sent, .sent_ns = now_ns() };
        write_all(s, &m, sizeof m);
    }
    shutdown(s, SHUT_WR);
    /* Wait for the client to close, so that the last messages are not cut off by a reset. */
    char buffer[256];
    struct pollfd closing = { .fd = s, .events = POLLIN };
    while (poll(&closing, 1, (int)(DRAIN_NS / 1000000L)) > 0 && read(s, buffer, sizeof buffer) > 0) {
    }
    close(s);
    return 0;
}

static int receive(struct sockaddr_in a)
{
    long capacity = 10000000;
    int64_t *samples = malloc((size_t)capacity * sizeof *samples);
    if (samples == NULL)
        die("malloc");
    long received = 0;
    struct reader r = { .filled = 0 };
    int s = -1;
    /* The push server may not be listening yet: retry refused connections for a while. */
    for (int64_t give_up = now_ns() + DRAIN_NS; s < 0;) {
        s = open_socket(0);
        if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
            break;
        if (errno != ECONNREFUSED || now_ns() > give_up)
            die("connect");
        close(s);
        s = -1;
        struct timespec pause = { .tv_sec = 0, .tv_nsec = 10000000L };
        nanosleep(&pause, NULL);
    }
    struct pollfd watched = { .fd = s, .events = POLLIN };
    while (poll(&watched, 1, (int)(DRAIN_NS / 1000000L)) > 0 && read_messages(s, &r, samples, &received, capacity)) {
    }
    close(s);
    print_statistics(samples, received, received);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 6 && strcmp(argv[1], "echo") == 0)
        return echo(is_udp(argv[2]), address_of(argv[3], argv[4]), number(argv[5], 1, 3600));
    if (argc == 7 && strcmp(argv[1], "ping") == 0)
        return ping(is_udp(argv[2]), address_of(argv[3], argv[4]), number(argv[5], 1, 1000000), number(argv[6], 1, 10000000));
    if (argc == 6 && strcmp(argv[1], "push") == 0)
        return push(address_of(argv[2], argv[3]), number(argv[4], 1, 1000000), number(argv[5], 1, 10000000));
    if (argc == 4 && strcmp(argv[1], "receive") == 0)
        return receive(address_of(argv[2], argv[3]));
    usage();
}
