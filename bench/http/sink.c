// sink: a lean HTTP/1.1 reader for bench/http/run.sh's stream point. It sends one GET and reads the chunked (or
// Content-Length) response into a 1 MiB buffer, decoding only the chunk framing, so it spends far less CPU per byte
// than curl and the server becomes the side that limits the transfer.
//
// Usage: sink PORT PATH   (127.0.0.1; prints "<body bytes> <seconds> <cpu seconds>", exits 1 on a short body)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum state { HEAD, SIZE, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, DONE };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: sink PORT PATH\n"); return 2; }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); return 1; }

    char request[512];
    int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", argv[2]);
    double start = now();
    if (write(fd, request, (size_t)n) != n) { perror("write"); return 1; }

    static char buf[1 << 20];
    enum state st = HEAD;
    char head[8192];
    size_t head_len = 0;
    long long body = 0, left = 0, length = -1;
    int chunked = 0, in_ext = 0, trailer_blank = 1;
    ssize_t got;
    while (st != DONE && (got = recv(fd, buf, sizeof buf, 0)) > 0)
    {
        char *p = buf, *end = buf + got;
        while (p < end && st != DONE)
        {
            switch (st)
            {
            case HEAD:
                if (head_len == sizeof head - 1) { fprintf(stderr, "head too large\n"); return 1; }
                head[head_len++] = *p++;
                if (head_len >= 4 && memcmp(head + head_len - 4, "\r\n\r\n", 4) == 0)
                {
                    head[head_len] = 0;
                    chunked = strcasestr(head, "\r\ntransfer-encoding: chunked") != NULL;
                    char *cl = strcasestr(head, "\r\ncontent-length:");
                    if (cl) length = atoll(cl + 17);
                    if (chunked) st = SIZE;
                    else if (length >= 0) { left = length; st = left ? DATA : DONE; }
                    else { fprintf(stderr, "neither chunked nor a length\n"); return 1; }
                }
                break;
            case SIZE:
                if (*p == '\r') st = SIZE_LF;
                else if (*p == ';') in_ext = 1;
                else if (!in_ext)
                {
                    int c = *p | 32;
                    int v = *p >= '0' && *p <= '9' ? *p - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                    if (v < 0) { fprintf(stderr, "bad chunk size\n"); return 1; }
                    left = left * 16 + v;
                }
                p++;
                break;
            case SIZE_LF:
                p++;
                in_ext = 0;
                st = left ? DATA : TRAILER;
                break;
            case DATA:
            {
                long long take = end - p < left ? end - p : left;
                p += take; left -= take; body += take;
                if (!left) st = chunked ? DATA_CR : DONE;
                break;
            }
            case DATA_CR: p++; st = DATA_LF; break;
            case DATA_LF: p++; left = 0; st = SIZE; break;
            case TRAILER:
                // Trailer lines until an empty one.
                if (*p == '\n') { if (trailer_blank) st = DONE; trailer_blank = 1; }
                else if (*p != '\r') trailer_blank = 0;
                p++;
                break;
            case DONE: break;
            }
        }
    }
    double secs = now() - start;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%lld %.6f %.3f\n", body, secs,
           ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    close(fd);
    return st == DONE ? 0 : 1;
}
