/*
 * Cascade kafka-mock launcher: serves librdkafka's mock cluster (a Kafka-protocol broker that lives
 * inside librdkafka) on 127.0.0.1 so tests can run without Docker. See README.md next to this file.
 *
 * Usage: launcher [--brokers N | N] [--topic name:partitions]... [--ignore-stdin]
 *
 * On readiness prints exactly one JSON line on stdout:
 *   {"bootstrap":"127.0.0.1:P1[,127.0.0.1:P2...]","control":"127.0.0.1:PC"}
 * The control port speaks a line protocol: "ping" -> "ok", "create <topic> <partitions>" -> "ok" or
 * "err <message>". Exits on SIGTERM/SIGINT/SIGHUP, on stdin EOF (parent gone) and on parent death
 * (PR_SET_PDEATHSIG).
 *
 * Build: cc -O2 -Wall -o launcher launcher.c -lrdkafka   (Debian/Ubuntu package: librdkafka-dev)
 * Written against librdkafka 2.0.2's rdkafka_mock.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_LINE 512         /* longest accepted control line, newline included */
#define MAX_CLIENTS 32       /* concurrent control connections */
#define MAX_BROKERS 16
#define MAX_PARTITIONS 256
#define MAX_TOPIC_LEN 200
#define MAX_KNOWN_TOPICS 4096

static int signal_pipe[2] = {-1, -1};

static rd_kafka_t *rk;                  /* client handle owning the mock cluster */
static rd_kafka_mock_cluster_t *mcluster;
static int broker_count = 1;

/* Topics created through this launcher, so repeated creates are answered without a metadata
 * round trip. Topics auto-created by clients are looked up through metadata instead. */
static struct {
  char name[MAX_TOPIC_LEN + 1];
  int partitions;
} known[MAX_KNOWN_TOPICS];
static int known_count = 0;

struct client {
  int fd;
  size_t len;
  int discarding; /* inside an over-long line: drop bytes until the next newline */
  char buf[MAX_LINE];
};
static struct client clients[MAX_CLIENTS];

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("kafka-mock: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void on_signal(int sig) {
  unsigned char b = (unsigned char)sig;
  int saved = errno;
  if (write(signal_pipe[1], &b, 1) < 0) { /* pipe full: a wake-up is pending anyway */ }
  errno = saved;
}

static int valid_topic(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > MAX_TOPIC_LEN) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return 0;
  }
  /* Kafka itself rejects these two names. */
  if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return 0;
  return 1;
}

/* Strictly parses a decimal integer in [min, max]; returns -1 when invalid. */
static int parse_int(const char *s, int min, int max) {
  if (!s || !*s || strlen(s) > 6) return -1;
  int v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10 + (*p - '0');
  }
  return v >= min && v <= max ? v : -1;
}

static int known_partitions(const char *topic) {
  for (int i = 0; i < known_count; i++)
    if (strcmp(known[i].name, topic) == 0) return known[i].partitions;
  return -1;
}

static void remember(const char *topic, int partitions) {
  if (known_count < MAX_KNOWN_TOPICS && known_partitions(topic) < 0) {
    snprintf(known[known_count].name, sizeof known[known_count].name, "%s", topic);
    known[known_count].partitions = partitions;
    known_count++;
  }
}

/* Partition count of an existing topic from cluster metadata; -1 when unknown. */
static int metadata_partitions(const char *topic) {
  const struct rd_kafka_metadata *md = NULL;
  if (rd_kafka_metadata(rk, 1, NULL, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR || !md) return -1;
  int found = -1;
  for (int i = 0; i < md->topic_cnt; i++) {
    if (strcmp(md->topics[i].topic, topic) == 0 && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      found = md->topics[i].partition_cnt;
      break;
    }
  }
  rd_kafka_metadata_destroy(md);
  return found;
}

/* Creates a topic; idempotent for an identical partition count. Writes "ok" or "err ..." to out. */
static void create_topic(const char *topic, int partitions, char *out, size_t outlen) {
  if (!valid_topic(topic)) {
    snprintf(out, outlen, "err invalid topic name (allowed: [A-Za-z0-9._-]{1,%d})", MAX_TOPIC_LEN);
    return;
  }
  if (partitions < 1 || partitions > MAX_PARTITIONS) {
    snprintf(out, outlen, "err partitions must be 1..%d", MAX_PARTITIONS);
    return;
  }
  int have = known_partitions(topic);
  if (have < 0) {
    int rf = broker_count < 3 ? broker_count : 3;
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, topic, partitions, rf);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      remember(topic, partitions);
      snprintf(out, outlen, "ok");
      return;
    }
    if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      snprintf(out, outlen, "err %s", rd_kafka_err2str(err));
      return;
    }
    /* Exists already, e.g. auto-created by a client's Metadata request. */
    have = metadata_partitions(topic);
    if (have < 0) {
      snprintf(out, outlen, "err topic %s exists but its partition count is unknown", topic);
      return;
    }
    remember(topic, have);
  }
  if (have == partitions)
    snprintf(out, outlen, "ok");
  else
    snprintf(out, outlen, "err topic %s exists with %d partitions, not %d", topic, have, partitions);
}

static void handle_line(char *line, char *out, size_t outlen) {
  size_t n = strlen(line);
  while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t')) line[--n] = '\0';
  char *save = NULL;
  char *cmd = strtok_r(line, " \t", &save);
  if (!cmd) {
    snprintf(out, outlen, "err empty command");
    return;
  }
  if (strcmp(cmd, "ping") == 0) {
    snprintf(out, outlen, "ok");
    return;
  }
  if (strcmp(cmd, "create") == 0) {
    char *topic = strtok_r(NULL, " \t", &save);
    char *parts = strtok_r(NULL, " \t", &save);
    char *extra = strtok_r(NULL, " \t", &save);
    if (!topic || !parts || extra) {
      snprintf(out, outlen, "err usage: create <topic> <partitions>");
      return;
    }
    int p = parse_int(parts, 1, MAX_PARTITIONS);
    if (p < 0) {
      snprintf(out, outlen, "err partitions must be 1..%d", MAX_PARTITIONS);
      return;
    }
    create_topic(topic, p, out, outlen);
    return;
  }
  snprintf(out, outlen, "err unknown command (use: ping | create <topic> <partitions>)");
}

static void client_close(struct client *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->len = 0;
  c->discarding = 0;
}

/* Replies are short; the socket is blocking for writes with a send timeout. */
static int client_reply(struct client *c, const char *msg) {
  char line[MAX_LINE + 64];
  int n = snprintf(line, sizeof line, "%s\n", msg);
  if (n < 0) return -1;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  size_t off = 0;
  while (off < len) {
    ssize_t w = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    off += (size_t)w;
  }
  return 0;
}

static void client_readable(struct client *c) {
  char tmp[1024];
  ssize_t r = recv(c->fd, tmp, sizeof tmp, 0);
  if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (r <= 0) {
    client_close(c);
    return;
  }
  for (ssize_t i = 0; i < r && c->fd >= 0; i++) {
    char ch = tmp[i];
    if (ch == '\n') {
      if (c->discarding) {
        c->discarding = 0;
        if (client_reply(c, "err line too long") < 0) client_close(c);
        continue;
      }
      c->buf[c->len] = '\0';
      char out[MAX_LINE + 64];
      handle_line(c->buf, out, sizeof out);
      c->len = 0;
      if (client_reply(c, out) < 0) client_close(c);
      continue;
    }
    if (c->discarding) continue;
    if (ch == '\0' || c->len >= MAX_LINE - 1) {
      c->discarding = 1;
      c->len = 0;
      continue;
    }
    c->buf[c->len++] = ch;
  }
}

static int listen_control(unsigned short *port_out) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = 0;
  if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) die("bind: %s", strerror(errno));
  if (listen(fd, 16) < 0) die("listen: %s", strerror(errno));
  socklen_t sl = sizeof sin;
  if (getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) die("getsockname: %s", strerror(errno));
  *port_out = ntohs(sin.sin_port);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

static void usage(void) {
  fprintf(stderr,
          "usage: launcher [--brokers N | N] [--topic name:partitions]... [--ignore-stdin]\n"
          "  N: 1..%d brokers (default 1); partitions: 1..%d\n"
          "  exits on SIGTERM/SIGINT, parent death and stdin EOF (unless --ignore-stdin)\n",
          MAX_BROKERS, MAX_PARTITIONS);
  exit(2);
}

int main(int argc, char **argv) {
  pid_t parent = getppid();
  /* Die with the parent; if it already died between fork and here, leave now. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 0;

  int watch_stdin = 1;
  const char *topics[256];
  int topic_cnt = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--brokers") == 0 && i + 1 < argc) {
      if ((broker_count = parse_int(argv[++i], 1, MAX_BROKERS)) < 0) usage();
    } else if (strncmp(a, "--brokers=", 10) == 0) {
      if ((broker_count = parse_int(a + 10, 1, MAX_BROKERS)) < 0) usage();
    } else if (strcmp(a, "--topic") == 0 && i + 1 < argc) {
      if (topic_cnt >= 256) usage();
      topics[topic_cnt++] = argv[++i];
    } else if (strcmp(a, "--ignore-stdin") == 0) {
      watch_stdin = 0;
    } else if (a[0] >= '0' && a[0] <= '9') {
      if ((broker_count = parse_int(a, 1, MAX_BROKERS)) < 0) usage();
    } else {
      usage();
    }
  }

  if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) die("pipe: %s", strerror(errno));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* `test.mock.num.brokers` makes this client create the mock cluster and bootstrap against it,
   * so the same handle can answer metadata queries (partition counts of existing topics). */
  char errstr[512];
  char nb[16];
  snprintf(nb, sizeof nb, "%d", broker_count);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "test.mock.num.brokers", nb, errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", errstr, sizeof errstr) !=
          RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "client.id", "cascade-kafka-mock", errstr, sizeof errstr) !=
          RD_KAFKA_CONF_OK)
    die("conf: %s", errstr);
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) die("rd_kafka_new: %s", errstr);
  mcluster = rd_kafka_handle_mock_cluster(rk);
  if (!mcluster) die("mock cluster was not created (librdkafka without mock support?)");

  for (int i = 0; i < topic_cnt; i++) {
    char name[MAX_TOPIC_LEN + 2];
    const char *colon = strrchr(topics[i], ':');
    size_t nlen = colon ? (size_t)(colon - topics[i]) : strlen(topics[i]);
    if (nlen > MAX_TOPIC_LEN) die("invalid --topic %s: name too long", topics[i]);
    memcpy(name, topics[i], nlen);
    name[nlen] = '\0';
    int parts = colon ? parse_int(colon + 1, 1, MAX_PARTITIONS) : 1;
    if (parts < 0) die("invalid --topic %s: partitions must be 1..%d", topics[i], MAX_PARTITIONS);
    char out[MAX_LINE + 64];
    create_topic(name, parts, out, sizeof out);
    if (strcmp(out, "ok") != 0) die("--topic %s: %s", topics[i], out + 4);
  }

  unsigned short control_port = 0;
  int lfd = listen_control(&control_port);
  for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;

  printf("{\"bootstrap\":\"%s\",\"control\":\"127.0.0.1:%hu\"}\n", rd_kafka_mock_cluster_bootstraps(mcluster),
         control_port);
  fflush(stdout);

  int stdin_open = watch_stdin;
  int running = 1;
  while (running) {
    struct pollfd pfd[3 + MAX_CLIENTS];
    int map[3 + MAX_CLIENTS];
    int n = 0;
    pfd[n] = (struct pollfd){.fd = signal_pipe[0], .events = POLLIN};
    map[n++] = -1;
    pfd[n] = (struct pollfd){.fd = lfd, .events = POLLIN};
    map[n++] = -2;
    if (stdin_open) {
      pfd[n] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
      map[n++] = -3;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
      if (clients[i].fd < 0) continue;
      pfd[n] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
      map[n++] = i;
    }
    int r = poll(pfd, (nfds_t)n, 1000);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("poll: %s", strerror(errno));
    }
    if (getppid() != parent) break; /* belt and braces next to PR_SET_PDEATHSIG */
    for (int k = 0; k < n; k++) {
      if (!pfd[k].revents) continue;
      if (map[k] == -1) {
        running = 0;
      } else if (map[k] == -2) {
        for (;;) {
          int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
          if (cfd < 0) break;
          int slot = -1;
          for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd < 0) {
              slot = i;
              break;
            }
          if (slot < 0) {
            const char *busy = "err too many control connections\n";
            if (send(cfd, busy, strlen(busy), MSG_NOSIGNAL) < 0) { /* closing anyway */ }
            close(cfd);
            continue;
          }
          struct timeval tv = {.tv_sec = 5, .tv_usec = 0};
          setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
          clients[slot].fd = cfd;
          clients[slot].len = 0;
          clients[slot].discarding = 0;
        }
      } else if (map[k] == -3) {
        char sink[256];
        ssize_t got = read(STDIN_FILENO, sink, sizeof sink);
        if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) running = 0; /* parent gone */
      } else {
        client_readable(&clients[map[k]]);
      }
    }
  }

  for (int i = 0; i < MAX_CLIENTS; i++) client_close(&clients[i]);
  close(lfd);
  /* The mock cluster belongs to rk (test.mock.num.brokers) and is destroyed with it. */
  rd_kafka_destroy(rk);
  return 0;
}
