/*
 * The C baseline of `npm run bench`: librdkafka's producer driven the way a careful C
 * program would drive it (rd_kafka_producev + a delivery report per message through
 * dr_msg_cb + rd_kafka_poll), linked against the same static librdkafka as the addon and
 * given the same resolved config, so ironkafka's numbers can be read as a ratio to it.
 *
 * Usage: producer --bootstrap B --topic T --records N --record-size S [--rate R]
 *                 [--keys K] [--poll-every N] [-X name=value ...]
 * --poll-every 1 (default) calls rd_kafka_poll(rk, 0) after every produce, as librdkafka's own
 * rdkafka_performance does; a larger N serves reports in bigger batches.
 * --rate 0 (default) sends as fast as librdkafka accepts (polling on a full queue); --rate R
 * paces R records/s and polls for reports between sends (the latency run).
 * Prints one JSON object: records, seconds, records_per_sec, mb_per_sec, latency (ms:
 * avg/p50/p99/max, enqueue -> delivery report), failed, max_rss_kb.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static double *enqueued;  /* monotonic ms at enqueue, per record */
static float *latency;    /* ms, per delivered record */
static long delivered, failed;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  long i = (long)(intptr_t)m->_private;
  if (m->err) {
    if (failed++ == 0) fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
    return;
  }
  latency[delivered++] = (float)(now_ms() - enqueued[i]);
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

static void die(const char *what, const char *why) {
  fprintf(stderr, "producer: %s: %s\n", what, why);
  exit(2);
}

int main(int argc, char **argv) {
  const char *bootstrap = NULL, *topic = NULL;
  long records = 0, size = 100, keys = 10000, poll_every = 1;
  double rate = 0;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) die(a, "missing value");
    if (!strcmp(a, "--bootstrap")) bootstrap = v;
    else if (!strcmp(a, "--topic")) topic = v;
    else if (!strcmp(a, "--records")) records = atol(v);
    else if (!strcmp(a, "--record-size")) size = atol(v);
    else if (!strcmp(a, "--rate")) rate = atof(v);
    else if (!strcmp(a, "--keys")) keys = atol(v);
    else if (!strcmp(a, "--poll-every")) poll_every = atol(v);
    else if (!strcmp(a, "-X")) {
      char *kv = strdup(v), *eq = strchr(kv, '=');
      if (!eq) die(v, "expected name=value");
      *eq = '\0';
      if (rd_kafka_conf_set(conf, kv, eq + 1, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) die(kv, errstr);
      free(kv);
    } else die(a, "unknown option");
    i++;
  }
  if (!bootstrap || !topic || records <= 0 || size < 0 || keys <= 0) die("usage", "--bootstrap, --topic and --records are required");
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) die("bootstrap.servers", errstr);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);

  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);

  enqueued = malloc(sizeof(double) * records);
  latency = malloc(sizeof(float) * records);
  char *value = malloc(size > 0 ? size : 1);
  for (long i = 0; i < size; i++) value[i] = (char)('a' + i % 26);
  char key[32];

  /* Warm-up, not measured (as in perf.ts): connections, metadata and the producer id are
   * in place before the clock starts. */
  for (long i = 0; i < 100 && i < records; i++) {
    int klen = snprintf(key, sizeof(key), "key-%ld", i % keys);
    enqueued[i] = now_ms();
    rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
                      RD_KAFKA_V_VALUE(value, size), RD_KAFKA_V_OPAQUE((void *)(intptr_t)i), RD_KAFKA_V_END);
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 10);
  if (failed) die("warm-up", "records failed");
  delivered = 0;

  /* Same workload as bench/run.mjs: keys key-0 .. key-(keys-1) in turn. */
  double start = now_ms();
  for (long i = 0; i < records; i++) {
    if (rate > 0) {
      double due = start + i * 1000.0 / rate;
      double wait;
      while ((wait = due - now_ms()) > 0) rd_kafka_poll(rk, wait < 1 ? 1 : (int)wait);
    }
    int klen = snprintf(key, sizeof(key), "key-%ld", i % keys);
    for (;;) {
      enqueued[i] = now_ms();
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, klen),
          RD_KAFKA_V_VALUE(value, size), RD_KAFKA_V_OPAQUE((void *)(intptr_t)i), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce", rd_kafka_err2str(err));
      rd_kafka_poll(rk, 1); /* queue full: serve reports, then retry */
    }
    if (i % poll_every == 0) rd_kafka_poll(rk, 0);
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 10);
  double seconds = (now_ms() - start) / 1e3;

  qsort(latency, delivered, sizeof(float), cmp_float);
  double sum = 0;
  for (long i = 0; i < delivered; i++) sum += latency[i];
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"records\":%ld,\"seconds\":%.4f,\"records_per_sec\":%.1f,\"mb_per_sec\":%.3f,"
         "\"latency\":{\"avg\":%.4f,\"p50\":%.4f,\"p99\":%.4f,\"max\":%.4f},\"failed\":%ld,\"max_rss_kb\":%ld}\n",
         records, seconds, records / seconds, records * (double)size / seconds / (1024 * 1024),
         delivered ? sum / delivered : 0, delivered ? latency[delivered / 2] : 0,
         delivered ? latency[(long)(delivered * 0.99)] : 0, delivered ? latency[delivered - 1] : 0, failed,
         ru.ru_maxrss);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return failed ? 1 : 0;
}
