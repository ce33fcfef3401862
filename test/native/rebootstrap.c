/*
 * librdkafka, as this project builds it: a re-bootstrap scheduled because every broker went
 * down must still run when librdkafka's main thread handles a successful Metadata response
 * before it. That response can be one sent before the cluster went down, which has just
 * decommissioned every learned broker; if it cancels the re-bootstrap, the client is left
 * with no broker and never connects again (every queued record then times out).
 *
 * The interleaving is made exact, not hoped for: the main thread is held inside the log
 * callback (librdkafka calls it on the logging thread), and while it is held this thread does
 * what the broker threads and the Metadata handler do: rd_kafka_rebootstrap() (all brokers
 * down), then rd_kafka_rebootstrap_tmr_stop() (a Metadata response parsed). Released, the
 * main thread must run the re-bootstrap. Then a second one must still be possible.
 *
 * Prints one line per check; exits 0 when both hold, 1 when one does not, 2 on a setup error.
 */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* librdkafka internals (not in rdkafka.h), what its threads call; linked from the static
 * library. */
void rd_kafka_rebootstrap(rd_kafka_t *rk);
int rd_kafka_rebootstrap_tmr_stop(rd_kafka_t *rk);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int hold_main;     /* the next main-thread connection attempt holds the main thread */
static int main_held;     /* the main thread is held */
static int rebootstraps;  /* "Starting re-bootstrap sequence" lines seen */

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
        (void)rk;
        (void)level;
        pthread_mutex_lock(&lock);
        if (strcmp(fac, "REBOOTSTRAP") == 0 && strstr(buf, "Starting re-bootstrap"))
                rebootstraps++;
        /* Held at the 1 s timer's connection attempt, not inside a re-bootstrap (which
         * also logs on the main thread): there no re-bootstrap is pending or running. */
        if (hold_main && strcmp(fac, "CONNECT") == 0 && strstr(buf, "[thrd:main]")) {
                hold_main = 0;
                main_held = 1;
                pthread_cond_broadcast(&changed);
                while (main_held)
                        pthread_cond_wait(&changed, &lock);
        }
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
}

/* Waits (lock held) until *value reaches at least `want`, or ms pass; returns *value. */
static int wait_for(int *value, int want, int ms) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        while (*value < want)
                if (pthread_cond_timedwait(&changed, &lock, &until) != 0)
                        break;
        return *value;
}

int main(void) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* Nothing listens on port 9 here: the client tries to connect every second (from the
         * main thread's 1 s timer) and never gets metadata of its own. Each refused attempt
         * leaves every broker down, which schedules a re-bootstrap: so re-bootstraps keep
         * running, unless one got stuck. */
        if (rd_kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:9", err, sizeof(err)) ||
            rd_kafka_conf_set(conf, "debug", "broker", err, sizeof(err)) ||
            rd_kafka_conf_set(conf, "metadata.recovery.strategy", "rebootstrap", err, sizeof(err))) {
                fprintf(stderr, "config: %s\n", err);
                return 2;
        }
        rd_kafka_conf_set_log_cb(conf, on_log);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "rd_kafka_new: %s\n", err);
                return 2;
        }

        pthread_mutex_lock(&lock);
        hold_main = 1;
        if (!wait_for(&main_held, 1, 5000)) {
                fprintf(stderr, "librdkafka's main thread logged nothing within 5 s\n");
                return 2;
        }
        int before = rebootstraps;
        pthread_mutex_unlock(&lock);
        rd_kafka_rebootstrap(rk);         /* the last broker went down */
        rd_kafka_rebootstrap_tmr_stop(rk); /* a Metadata response was parsed */
        pthread_mutex_lock(&lock);
        main_held = 0;
        pthread_cond_broadcast(&changed);
        int first = wait_for(&rebootstraps, before + 1, 3000) > before;
        printf("re-bootstrap scheduled, then a Metadata response handled before it ran: %s\n",
               first ? "re-bootstraps ran after it" : "no re-bootstrap ran after it within 3 s");

        before = rebootstraps;
        pthread_mutex_unlock(&lock);
        rd_kafka_rebootstrap(rk); /* every broker down again, later */
        pthread_mutex_lock(&lock);
        int second = wait_for(&rebootstraps, before + 1, 3000) > before;
        pthread_mutex_unlock(&lock);
        printf("a later re-bootstrap: %s\n", second ? "it ran" : "it did not run within 3 s");

        rd_kafka_destroy(rk);
        return first && second ? 0 : 1;
}
