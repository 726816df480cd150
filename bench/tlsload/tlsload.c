/*
 * tlsload: a native STARTTLS load client for bench/run.sh, the TLS counterpart of Postfix's
 * smtp-source (which has no TLS). SESSIONS threads send MESSAGES messages of 2 KiB in all, each
 * session saying EHLO, STARTTLS (OpenSSL, any certificate trusted: the servers under test use
 * self-signed ones), EHLO again, then MAIL, RCPT, DATA; one session per message, or with --reuse
 * message after message in each session. Every session is a full handshake: no session is resumed,
 * so both servers do the same, most expensive, work. With --warmup=N it first sends N messages the
 * same way, untimed.
 *
 * Usage: tlsload PORT MESSAGES SESSIONS [--reuse] [--warmup=N]
 * Prints: sent N messages in S s (STARTTLS, MODE), client CPU C ms per message
 * Exits with 1 on any refusal or error.
 *
 * Build: cc -O2 -o tlsload tlsload.c -lssl -lcrypto -lpthread
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port;
static int reuse;
static SSL_CTX *ctx;
static char message[4096];
static size_t message_len;
static atomic_int next;
static atomic_int failed;
static int total;

/* One connection: the socket, TLS once started, and a buffer of what was read. */
typedef struct {
    int fd;
    SSL *ssl;
    char buf[8192];
    size_t len;
} conn;

static void fail(const char *what, const char *detail) {
    if (!atomic_exchange(&failed, 1)) {
        fprintf(stderr, "failed: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
}

static int send_all(conn *c, const char *data, size_t n) {
    while (n > 0) {
        int w = c->ssl ? SSL_write(c->ssl, data, (int) n) : (int) write(c->fd, data, n);
        if (w <= 0) return -1;
        data += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Reads one whole reply (all its lines) and checks its code. */
static int expect(conn *c, const char *code) {
    for (;;) {
        char *eol;
        while ((eol = memchr(c->buf, '\n', c->len)) == NULL) {
            if (c->len == sizeof c->buf) return -1;
            int r = c->ssl ? SSL_read(c->ssl, c->buf + c->len, (int) (sizeof c->buf - c->len))
                           : (int) read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
            if (r <= 0) {
                fail("connection closed waiting for", code);
                return -1;
            }
            c->len += (size_t) r;
        }
        size_t line = (size_t) (eol - c->buf) + 1;
        int ok = line >= 4 && memcmp(c->buf, code, 3) == 0;
        int more = line >= 5 && c->buf[3] == '-';
        if (!ok) {
            c->buf[line - 1] = 0;
            fail("unexpected reply", c->buf);
            return -1;
        }
        memmove(c->buf, c->buf + line, c->len - line);
        c->len -= line;
        if (!more) return 0;
    }
}

static int command(conn *c, const char *line, const char *code) {
    return send_all(c, line, strlen(line)) || expect(c, code);
}

static int open_session(conn *c) {
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *) &a, sizeof a) != 0) {
        fail("connect", NULL);
        return -1;
    }
    if (expect(c, "220") || command(c, "EHLO load.example.org\r\n", "250") || command(c, "STARTTLS\r\n", "220")) return -1;
    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) {
        fail("TLS handshake", ERR_error_string(ERR_get_error(), NULL));
        return -1;
    }
    return command(c, "EHLO load.example.org\r\n", "250");
}

static void close_session(conn *c) {
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    close(c->fd);
}

static int send_message(conn *c) {
    return command(c, "MAIL FROM:<bench@senders.example.org>\r\n", "250") || command(c, "RCPT TO:<rcpt@example.com>\r\n", "250")
           || command(c, "DATA\r\n", "354") || send_all(c, message, message_len) || expect(c, "250");
}

static void *worker(void *unused) {
    (void) unused;
    conn c;
    int open = 0;
    while (!atomic_load(&failed) && atomic_fetch_add(&next, 1) < total) {
        if (!open) {
            if (open_session(&c)) {
                close_session(&c);
                return NULL;
            }
            open = 1;
        }
        if (send_message(&c)) break;
        if (!reuse) {
            command(&c, "QUIT\r\n", "221");
            close_session(&c);
            open = 0;
        }
    }
    if (open) {
        command(&c, "QUIT\r\n", "221");
        close_session(&c);
    }
    return NULL;
}

static void run(int messages, int sessions) {
    pthread_t threads[1024];
    total = messages;
    atomic_store(&next, 0);
    for (int i = 0; i < sessions; i++) pthread_create(&threads[i], NULL, worker, NULL);
    for (int i = 0; i < sessions; i++) pthread_join(threads[i], NULL);
    if (atomic_load(&failed)) exit(1);
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: tlsload PORT MESSAGES SESSIONS [--reuse] [--warmup=N]\n");
        return 2;
    }
    port = atoi(argv[1]);
    int messages = atoi(argv[2]), sessions = atoi(argv[3]), warmup = 0;
    if (sessions < 1 || sessions > 1024) sessions = 20;
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--reuse") == 0) reuse = 1;
        else if (strncmp(argv[i], "--warmup=", 9) == 0) warmup = atoi(argv[i] + 9);
    }
    strcpy(message, "From: <bench@senders.example.org>\r\nTo: <rcpt@example.com>\r\nSubject: load\r\n\r\n");
    while (strlen(message) < 2048) strcat(message, "La de da de da 1.\tLa de da de da 2.\tLa de da de da 3.\tLa de da de da 4.\r\n");
    strcat(message, ".\r\n");
    message_len = strlen(message);
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (warmup > 0) run(warmup, sessions);
    struct timespec t0, t1;
    double cpu0 = cpu_seconds();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run(messages, sessions);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double) (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("sent %d messages in %.3f s (STARTTLS, %s), client CPU %.3f ms per message\n", messages, seconds,
           reuse ? "reused connections" : "one connection per message", (cpu_seconds() - cpu0) * 1000 / messages);
    return 0;
}
