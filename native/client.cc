#include "client.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "common/args.h"

// OpenSSL's text for a certificate verification result (libcrypto, linked in with librdkafka).
extern "C" const char* X509_verify_cert_error_string(long n);

namespace ironkafka {

namespace {
// Decides exactly as OpenSSL's own verification does (any error fails the certificate) and
// adds what librdkafka's handshake error leaves out: which check failed ("certificate has
// expired", "hostname mismatch", "unable to get local issuer certificate"). librdkafka logs
// it (SSLCERTVRFY) just before its error event, where lib/ picks it up. Broker thread.
int VerifyBrokerCertificate(rd_kafka_t*, const char*, int32_t, int* x509Error, int depth, const char*, size_t,
                            char* errstr, size_t errstrSize, void*) {
  if (*x509Error == 0) return 1;
  snprintf(errstr, errstrSize, "%s (certificate depth %d)", X509_verify_cert_error_string(*x509Error), depth);
  return 0;
}
}  // namespace

// Set only so that librdkafka raises token-refresh events: lib/ serves them (see Client()).
static void RefreshEventOnly(rd_kafka_t*, const char*, void*) {}

Client::Client(Napi::Env env, Napi::Object self, const Napi::Value& configPairs, rd_kafka_type_t type, int events,
               bool tokenProvider)
    : state_(EnvState::Of(env)) {
  auto pairs = RequireStringPairs(configPairs, "config");
  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  for (const auto& [name, value] : pairs) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      throw errors().Make(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    }
  }
  if (tokenProvider) {
    rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf.get(), &RefreshEventOnly);
    events |= RD_KAFKA_EVENT_OAUTHBEARER_TOKEN_REFRESH;
  } else {
    // librdkafka's own token sources refresh where nobody has to poll for it: served from the
    // main queue, whose events lib/ drains, the refresh was never acted on and every
    // OAUTHBEARER client failed once its first token expired.
    rd_kafka_conf_enable_sasl_queue(conf.get(), 1);
  }
  rd_kafka_conf_set_events(conf.get(), events);
  rd_kafka_conf_set_ssl_cert_verify_cb(conf.get(), &VerifyBrokerCertificate);
  h_.brokers = std::make_shared<BrokerStates>();
  rd_kafka_conf_interceptor_add_on_new(conf.get(), "ironkafka.brokers", &BrokerStates::OnNew, h_.brokers.get());
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (!rk) throw errors().Make(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  conf.release();  // owned by rk from here on
  if (!tokenProvider) {
    // Fails harmlessly (NOT_CONFIGURED) unless the mechanism is OAUTHBEARER.
    ErrorPtr ignored(rd_kafka_sasl_background_callbacks_enable(rk));
  }
  h_.rk.reset(rk);
  h_.queue.reset(rd_kafka_queue_get_main(rk));
  // Route logs to the main queue too when lib/ asked for it (log.queue=true); otherwise
  // librdkafka keeps its default logger and this call fails harmlessly.
  rd_kafka_set_log_queue(rk, nullptr);

  wake_ = new Wake();
  wake_->owner = Napi::Weak(self);
  wake_->tsfn = Wake::Tsfn::New(env, "ironkafka.wake", 0, 1, wake_, [](Napi::Env, void*, Wake* w) { delete w; });
  wake_->tsfn.Unref(env);
  rd_kafka_queue_cb_event_enable(h_.queue.get(), &Client::OnQueueNonEmpty, wake_);
  state_->teardown.Track(this);
}

rd_kafka_resp_err_t BrokerStates::OnNew(rd_kafka_t* rk, const rd_kafka_conf_t*, void* opaque, char*, size_t) {
  return rd_kafka_interceptor_add_on_broker_state_change(rk, "ironkafka.brokers", &BrokerStates::OnStateChange, opaque);
}

rd_kafka_resp_err_t BrokerStates::OnStateChange(rd_kafka_t*, int32_t id, const char*, const char* name, int port,
                                                const char* state, void* opaque) {
  auto* self = static_cast<BrokerStates*>(opaque);
  std::string key = std::to_string(id) + "/" + name + ":" + std::to_string(port);
  std::lock_guard<std::mutex> lock(self->mu_);
  std::string& last = self->last_[key];
  bool wasUp = last == "UP";
  bool isUp = std::strcmp(state, "UP") == 0;
  if (isUp && !wasUp) {
    self->up++;
    self->everUp++;
  }
  if (wasUp && !isUp) self->up--;
  // The states a connection is in while TLS or SASL decides whether it may go on. With TLS 1.3
  // a broker refusing the client's certificate says so only after the client's side of the
  // handshake, in the first request (APIVERSION_QUERY).
  if (std::strcmp(state, "DOWN") == 0 &&
      (last == "SSL_HANDSHAKE" || last == "APIVERSION_QUERY" || last == "AUTH_LEGACY" || last == "AUTH_HANDSHAKE" ||
       last == "AUTH_REQ" || last == "REAUTH")) {
    self->handshakeFailures++;
  }
  last = state;
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

// Called by librdkafka's threads, with the queue locked, when the queue goes from empty to
// non-empty. Only signals; the drain happens on the JS thread.
void Client::OnQueueNonEmpty(rd_kafka_t*, void* opaque) {
  auto* wake = static_cast<Wake*>(opaque);
  if (!wake->signalled.exchange(true)) wake->tsfn.NonBlockingCall();
}

void Wake::CallJs(Napi::Env env, Napi::Function, Wake* wake, void*) {
  if (env == nullptr || wake->owner.IsEmpty()) return;
  // Cleared before lib/ drains, so an event that lands after the drain emptied the queue
  // signals again.
  wake->signalled.store(false);
  // Everything that can throw stays inside the try: nothing may escape into the thread-safe
  // function's C callback (that would be std::terminate).
  try {
    Napi::Object self = wake->owner.Value();
    if (self.IsEmpty()) return;
    Napi::Value fn = self.Get("onwake");
    if (fn.IsFunction()) fn.As<Napi::Function>().Call(self, {});
  } catch (const Napi::Error& e) {
    // A throwing JS handler must surface as an uncaught exception, not vanish.
    napi_fatal_exception(env, e.Value());
  }
}

rd_kafka_t* Client::Handle(Napi::Env env) const {
  if (!h_.rk) throw errors().Make(env, RD_KAFKA_RESP_ERR__DESTROY, "client is closed");
  return h_.rk.get();
}

// Stops wake-ups for good: after this returns no librdkafka thread touches wake_ again
// (rd_kafka_queue_cb_event_enable takes the queue lock the callback runs under).
void Client::StopWakeups() {
  if (h_.queue) rd_kafka_queue_cb_event_enable(h_.queue.get(), nullptr, nullptr);
  if (wake_) {
    wake_->owner.Reset();
    wake_->tsfn.Abort();
    wake_ = nullptr;  // freed by the tsfn finalizer
  }
}

Napi::Value Client::EventObject(Napi::Env env, rd_kafka_event_t* ev) {
  Napi::Object o = Napi::Object::New(env);
  switch (rd_kafka_event_type(ev)) {
    case RD_KAFKA_EVENT_ERROR: {
      rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
      o.Set("type", "error");
      o.Set("errno", Napi::Number::New(env, err));
      o.Set("code", rd_kafka_err2name(err));
      o.Set("message", rd_kafka_event_error_string(ev));
      o.Set("fatal", Napi::Boolean::New(env, rd_kafka_event_error_is_fatal(ev)));
      return o;
    }
    case RD_KAFKA_EVENT_STATS:
      o.Set("type", "stats");
      o.Set("json", rd_kafka_event_stats(ev));
      return o;
    case RD_KAFKA_EVENT_OAUTHBEARER_TOKEN_REFRESH: {
      const char* config = rd_kafka_event_config_string(ev);
      o.Set("type", "oauthbearer-refresh");
      o.Set("config", config ? config : "");
      return o;
    }
    case RD_KAFKA_EVENT_LOG: {
      const char* fac = "";
      const char* str = "";
      int level = 0;
      rd_kafka_event_log(ev, &fac, &str, &level);
      o.Set("type", "log");
      o.Set("level", Napi::Number::New(env, level));
      o.Set("facility", fac);
      o.Set("message", str);
      return o;
    }
    default:
      return Napi::Value();
  }
}

void Client::Ref(Napi::Env env) {
  if (wake_) wake_->tsfn.Ref(env);
}

void Client::Unref(Napi::Env env) {
  if (wake_) wake_->tsfn.Unref(env);
}

// null, or a KafkaError for the underlying cause (rd_kafka_fatal_error).
Napi::Value Client::FatalError(Napi::Env env) const {
  if (!h_.rk) return env.Null();
  char reason[512];
  rd_kafka_resp_err_t err = rd_kafka_fatal_error(h_.rk.get(), reason, sizeof(reason));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return env.Null();
  return errors().Make(env, err, reason, true).Value();
}

Napi::Value Client::BrokerStateCounts(Napi::Env env) const {
  Napi::Array a = Napi::Array::New(env, 3);
  const BrokerStates* b = h_.brokers.get();
  a.Set(0u, Napi::Number::New(env, b ? b->up.load() : 0));
  a.Set(1u, Napi::Number::New(env, b ? b->handshakeFailures.load() : 0));
  a.Set(2u, Napi::Number::New(env, b ? b->everUp.load() : 0));
  return a;
}

// setToken(value, lifetimeMs, principal, extensions: string[] as [key, value, ...])
Napi::Value Client::SetToken(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_t* rk = Handle(env);
  std::string value = RequireString(info[0], "token value");
  double lifetime = info[1].As<Napi::Number>().DoubleValue();
  std::string principal = RequireString(info[2], "principal");
  auto extensions = RequireStringPairs(info[3], "extensions");
  std::vector<std::string> flat;
  for (auto& [k, v] : extensions) {
    flat.push_back(k);
    flat.push_back(v);
  }
  std::vector<const char*> ptrs;
  for (auto& x : flat) ptrs.push_back(x.c_str());
  char errstr[512] = "";
  rd_kafka_resp_err_t err = rd_kafka_oauthbearer_set_token(rk, value.c_str(), static_cast<int64_t>(lifetime),
                                                           principal.c_str(), ptrs.empty() ? nullptr : ptrs.data(),
                                                           ptrs.size(), errstr, sizeof(errstr));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return env.Null();
  return Napi::String::New(env, errstr[0] ? errstr : rd_kafka_err2str(err));
}

Napi::Value Client::SetTokenFailure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rd_kafka_oauthbearer_set_token_failure(Handle(env), RequireString(info[0], "reason").c_str());
  return env.Undefined();
}

Napi::Value Client::SetCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string username = RequireString(info[0], "username");
  std::string password = RequireString(info[1], "password");
  ErrorPtr err(rd_kafka_sasl_set_credentials(Handle(env), username.c_str(), password.c_str()));
  if (!err) return env.Null();
  return Napi::String::New(env, rd_kafka_error_string(err.get()));
}

// One metadata request (no topics) -> { errno, brokers }.
Napi::Promise Client::Metadata(Napi::Env env, Napi::Object self, int timeoutMs) {
  struct Result {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int brokers = 0;
  };
  return RunBlocking<Result>(
      env, self, "ironkafka.metadata",
      [timeoutMs](rd_kafka_t* rk) {
        Result r;
        const rd_kafka_metadata_t* md = nullptr;
        r.err = rd_kafka_metadata(rk, 0, nullptr, &md, timeoutMs);
        if (md) {
          r.brokers = md->broker_cnt;
          rd_kafka_metadata_destroy(md);
        }
        return r;
      },
      [](Napi::Env env, Result& r) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        o.Set("errno", Napi::Number::New(env, r.err));
        o.Set("brokers", Napi::Number::New(env, r.brokers));
        return o;
      });
}

Napi::Promise Client::Close(Napi::Env env, Napi::Object self) {
  if (!h_.rk) {
    auto done = Napi::Promise::Deferred::New(env);
    done.Resolve(env.Undefined());
    return done.Promise();
  }
  StopWakeups();
  state_->teardown.Untrack(this);
  auto handles = std::make_shared<ClientHandles>(std::move(h_));
  return PromiseWorker<bool>::Run(
      env, self, "ironkafka.destroy",
      [handles, this]() mutable {
        // A blocking call may still be using rk on another pool thread; each is bounded by
        // the slice lib/ gave it. Wait here, not on the JS thread.
        while (blockingCalls_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        handles.reset();  // the last owner: rd_kafka_destroy runs here, on the worker
        return true;
      },
      [](Napi::Env env, bool&) { return env.Undefined(); });
}

// Environment teardown (Worker exit or process exit): stop and destroy in place.
void Client::TeardownNow() {
  StopWakeups();
  state_->teardown.Untrack(this);
  if (!h_.rk) return;
  rd_kafka_purge(h_.rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  // A blocking call still running on a pool thread holds rk: discard the events it may wait
  // for until it returns (lib/ bounds each call to a short slice).
  for (int i = 0; blockingCalls_ > 0 && i < 30000; i++) {
    h_.cur.reset();
    while (rd_kafka_event_t* ev = rd_kafka_queue_poll(h_.queue.get(), 0)) rd_kafka_event_destroy(ev);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  h_.Reset();
}

// Collected without close(): no JS may run here and the JS thread must not block, so the
// handles are destroyed on a background thread. (A client with pending work is kept
// reachable by lib/, so nothing undelivered is dropped here.)
Client::~Client() {
  StopWakeups();
  state_->teardown.Untrack(this);
  if (!h_.rk) return;
  auto handles = std::make_shared<ClientHandles>(std::move(h_));
  DestroyInBackground([handles]() mutable {
    rd_kafka_purge(handles->rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    handles.reset();
  });
}

}  // namespace ironkafka
