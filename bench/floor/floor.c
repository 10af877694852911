/*
 * The floor of the benchmarks (issue 10): what no IPVS client can beat on a
 * given kernel, measured by a client that does nothing but the netlink work.
 *
 *   floor dump             GET_SERVICE dump, then one GET_DEST dump per
 *                          service, sequentially, on one socket; each reply
 *                          is read into a 32 KiB buffer and only split into
 *                          messages (the SERVICE block of each service is
 *                          sent back as is to name it). Prints services,
 *                          destinations, bytes, datagrams, microseconds.
 *   floor send FILE        FILE holds pre-encoded netlink messages (each
 *                          with NLM_F_ACK; nlmsg_type 0 stands for the IPVS
 *                          family, resolved here). Writes them in as few
 *                          writes as the socket takes (up to 64 KiB, with at
 *                          most WINDOW acknowledgements outstanding) and reads
 *                          every acknowledgement. Prints messages, errors,
 *                          writes, microseconds.
 *
 * Built by bench/floor.ts with cc -O2 inside the lab, run there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IPVS_CMD_GET_SERVICE 4
#define IPVS_CMD_GET_DEST 8
#define IPVS_CMD_ATTR_SERVICE 1
#define READ_SIZE 32768
#define WRITE_SIZE 65536
#define WINDOW 256

static int sock;
static uint32_t seq = 1;
static unsigned char rbuf[READ_SIZE];
static long datagrams;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what) {
  fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void open_socket(void) {
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  int size = 4 << 20;
  sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (sock < 0) die("socket");
  setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (bind(sock, (struct sockaddr *)&local, sizeof local) < 0) die("bind");
}

/* Appends one attribute to buf at *len. */
static void put_attr(unsigned char *buf, size_t *len, uint16_t type, const void *data, uint16_t size) {
  struct nlattr *a = (struct nlattr *)(buf + *len);
  a->nla_len = NLA_HDRLEN + size;
  a->nla_type = type;
  memcpy(buf + *len + NLA_HDRLEN, data, size);
  *len += NLA_ALIGN(a->nla_len);
}

/* Sends one generic netlink request: header, genl header, attributes. */
static void send_request(uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version, const void *attrs, size_t attrs_len) {
  unsigned char buf[1024];
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  struct genlmsghdr *g = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);
  size_t len = NLMSG_HDRLEN + GENL_HDRLEN + attrs_len;
  if (len > sizeof buf) {
    errno = EMSGSIZE;
    die("request");
  }
  h->nlmsg_len = len;
  h->nlmsg_type = type;
  h->nlmsg_flags = flags;
  h->nlmsg_seq = seq++;
  h->nlmsg_pid = 0;
  g->cmd = cmd;
  g->version = version;
  g->reserved = 0;
  memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, attrs, attrs_len);
  if (send(sock, buf, len, 0) < 0) die("send");
}

/* One datagram into rbuf; its length. */
static ssize_t receive(void) {
  ssize_t n;
  do n = recv(sock, rbuf, sizeof rbuf, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) die("recv");
  datagrams++;
  return n;
}

static uint16_t family_id(void) {
  unsigned char attrs[64];
  size_t len = 0;
  put_attr(attrs, &len, CTRL_ATTR_FAMILY_NAME, "IPVS", 5);
  send_request(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1, attrs, len);
  ssize_t n = receive();
  struct nlmsghdr *h = (struct nlmsghdr *)rbuf;
  if (n < (ssize_t)NLMSG_HDRLEN || h->nlmsg_type == NLMSG_ERROR) {
    fprintf(stderr, "floor: no IPVS family\n");
    exit(1);
  }
  unsigned char *p = rbuf + NLMSG_HDRLEN + GENL_HDRLEN, *end = rbuf + h->nlmsg_len;
  while (p + NLA_HDRLEN <= end) {
    struct nlattr *a = (struct nlattr *)p;
    if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) return *(uint16_t *)(p + NLA_HDRLEN);
    p += NLA_ALIGN(a->nla_len);
  }
  fprintf(stderr, "floor: no family id\n");
  exit(1);
}

/*
 * Reads one dump to its NLMSG_DONE. With `keep`, appends each reply's
 * SERVICE attribute (whole, header included) to *keep. Returns the replies.
 */
static long read_dump(unsigned char **keep, size_t *keep_len, size_t *keep_cap, long *bytes) {
  long replies = 0;
  for (;;) {
    ssize_t n = receive();
    *bytes += n;
    for (unsigned char *p = rbuf; p + NLMSG_HDRLEN <= rbuf + n;) {
      struct nlmsghdr *h = (struct nlmsghdr *)p;
      if (h->nlmsg_len < NLMSG_HDRLEN || p + h->nlmsg_len > rbuf + n) {
        fprintf(stderr, "floor: bad message\n");
        exit(1);
      }
      if (h->nlmsg_type == NLMSG_DONE) return replies;
      if (h->nlmsg_type == NLMSG_ERROR) {
        int e = *(int *)NLMSG_DATA(h);
        if (e != 0) {
          errno = -e;
          die("dump");
        }
      } else {
        replies++;
        if (keep) {
          struct nlattr *a = (struct nlattr *)(p + NLMSG_HDRLEN + GENL_HDRLEN);
          size_t size = NLA_ALIGN(a->nla_len);
          if (*keep_len + size > *keep_cap) {
            *keep_cap = (*keep_cap + size) * 2;
            *keep = realloc(*keep, *keep_cap);
            if (!*keep) die("realloc");
          }
          memcpy(*keep + *keep_len, a, size);
          *keep_len += size;
        }
      }
      p += NLMSG_ALIGN(h->nlmsg_len);
    }
  }
}

static int dump_floor(void) {
  double start = now_us();
  open_socket();
  uint16_t ipvs = family_id();
  unsigned char *services = NULL;
  size_t len = 0, cap = 0;
  long bytes = 0;
  send_request(ipvs, NLM_F_REQUEST | NLM_F_DUMP, IPVS_CMD_GET_SERVICE, 1, NULL, 0);
  long count = read_dump(&services, &len, &cap, &bytes);
  long dests = 0;
  for (size_t at = 0; at < len;) {
    struct nlattr *a = (struct nlattr *)(services + at);
    send_request(ipvs, NLM_F_REQUEST | NLM_F_DUMP, IPVS_CMD_GET_DEST, 1, a, NLA_ALIGN(a->nla_len));
    dests += read_dump(NULL, NULL, NULL, &bytes);
    at += NLA_ALIGN(a->nla_len);
  }
  printf("services %ld destinations %ld bytes %ld datagrams %ld us %.0f\n", count, dests, bytes, datagrams, now_us() - start);
  return 0;
}

static int send_floor(const char *file) {
  double start = now_us();
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) die(file);
  unsigned char *all = malloc(st.st_size > 0 ? st.st_size : 1);
  if (!all) die("malloc");
  for (off_t got = 0; got < st.st_size;) {
    ssize_t n = read(fd, all + got, st.st_size - got);
    if (n <= 0) die("read");
    got += n;
  }
  close(fd);
  open_socket();
  uint16_t ipvs = family_id();
  long messages = 0, acked = 0, errors = 0, writes = 0;
  off_t at = 0;
  while (at < st.st_size || acked < messages) {
    /* One write: whole messages, up to WRITE_SIZE, while the window allows. */
    off_t from = at;
    while (at < st.st_size && messages - acked < WINDOW) {
      struct nlmsghdr *h = (struct nlmsghdr *)(all + at);
      if (at + NLMSG_ALIGN(h->nlmsg_len) - from > WRITE_SIZE) break;
      if (h->nlmsg_type == 0) h->nlmsg_type = ipvs;
      h->nlmsg_seq = seq++;
      at += NLMSG_ALIGN(h->nlmsg_len);
      messages++;
    }
    if (at > from) {
      if (send(sock, all + from, at - from, 0) < 0) die("send");
      writes++;
    }
    /* Acknowledgements: at least one datagram, then whatever is queued. */
    do {
      ssize_t n = receive();
      for (unsigned char *p = rbuf; p + NLMSG_HDRLEN <= rbuf + n; p += NLMSG_ALIGN(((struct nlmsghdr *)p)->nlmsg_len)) {
        struct nlmsghdr *h = (struct nlmsghdr *)p;
        if (h->nlmsg_type != NLMSG_ERROR) continue;
        acked++;
        if (*(int *)NLMSG_DATA(h) != 0) errors++;
      }
    } while (acked < messages && (messages - acked >= WINDOW || at >= st.st_size));
  }
  printf("messages %ld errors %ld writes %ld datagrams %ld us %.0f\n", messages, errors, writes, datagrams, now_us() - start);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "dump") == 0) return dump_floor();
  if (argc == 3 && strcmp(argv[1], "send") == 0) return send_floor(argv[2]);
  fprintf(stderr, "usage: floor dump | floor send FILE\n");
  return 2;
}
