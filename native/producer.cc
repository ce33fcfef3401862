#include "producer.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "worker.h"

namespace ironkafka {

namespace {

// A key, value or header value as librdkafka wants it: pointer + length. Buffers are read in
// place (librdkafka copies them, RD_KAFKA_MSG_F_COPY). Strings are encoded into `small` when
// they surely fit (3 UTF-8 bytes per UTF-16 unit at most: one encoding pass, no allocation;
// most keys), else into `storage`.
struct Bytes {
  const void* data = nullptr;
  size_t size = 0;
  char small[256];
  std::string storage;
};

void ReadBytes(napi_env env, napi_value v, Bytes& out, const char* what) {
  napi_valuetype type;
  napi_typeof(env, v, &type);
  if (type == napi_string) {
    size_t units = 0;
    napi_get_value_string_utf16(env, v, nullptr, 0, &units);
    size_t written = 0;
    if (units * 3 < sizeof(out.small)) {
      napi_get_value_string_utf8(env, v, out.small, sizeof(out.small), &written);
      out.data = out.small;
    } else {
      size_t bytes = 0;
      napi_get_value_string_utf8(env, v, nullptr, 0, &bytes);
      out.storage.resize(bytes + 1);
      napi_get_value_string_utf8(env, v, out.storage.data(), bytes + 1, &written);
      out.data = out.storage.data();
    }
    out.size = written;
    return;
  }
  if (type == napi_null || type == napi_undefined) {
    out.data = nullptr;
    out.size = 0;
    return;
  }
  bool isBuffer = false;
  if (type == napi_object) napi_is_buffer(env, v, &isBuffer);
  if (!isBuffer) throw Napi::TypeError::New(env, std::string(what) + " must be a Buffer, a string or null");
  void* data = nullptr;
  napi_get_buffer_info(env, v, &data, &out.size);
  out.data = data;
}

}  // namespace

Napi::Function Producer::Define(Napi::Env env) {
  return DefineClass(env, "NativeProducer",
                     {
                         InstanceMethod("topic", &Producer::Topic),
                         InstanceMethod("produce", &Producer::Produce),
                         InstanceMethod("produceMany", &Producer::ProduceMany),
                         InstanceMethod("drain", &Producer::Drain),
                         InstanceMethod("flush", &Producer::Flush),
                         InstanceMethod("metadata", &Producer::Metadata),
                         InstanceMethod("purge", &Producer::Purge),
                         InstanceMethod("close", &Producer::Close),
                         InstanceMethod("ref", &Producer::Ref),
                         InstanceMethod("unref", &Producer::Unref),
                         InstanceMethod("outqLen", &Producer::OutqLen),
                         InstanceMethod("fatalError", &Producer::FatalError),
                         InstanceMethod("testFatalError", &Producer::TestFatalError),
                         InstanceMethod("name", &Producer::Name),
                         StaticValue("REPORT_STRIDE", Napi::Number::New(env, kReportStride)),
                         StaticValue("PRODUCE_ARGS", Napi::Number::New(env, kProduceArgCount)),
                         StaticValue("ROW_STRIDE", Napi::Number::New(env, kRowStride)),
                     });
}

// new NativeProducer(configPairs: string[], reportBuffer: Float64Array, args: Float64Array)
// configPairs is a flat [name, value, name, value, ...] list already validated by lib/.
// `args` carries produce()'s numeric arguments (see ProduceArg): written by JS, read here,
// so the hot call passes three values instead of seven.
Producer::Producer(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Producer>(info), addon_(info.Env().GetInstanceData<Addon>()) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "config must be an array of strings");
  auto isF64 = [](const Napi::Value& v) {
    return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array;
  };
  if (!isF64(info[1])) throw Napi::TypeError::New(env, "reportBuffer must be a Float64Array");
  if (!isF64(info[2]) || info[2].As<Napi::Float64Array>().ElementLength() < kProduceArgCount) {
    throw Napi::TypeError::New(env, "args must be a Float64Array of at least 4 elements");
  }
  auto pairs = info[0].As<Napi::Array>();
  auto report = info[1].As<Napi::Float64Array>();
  reportRows_ = static_cast<uint32_t>(report.ElementLength() / kReportStride);
  if (reportRows_ == 0) throw Napi::RangeError::New(env, "reportBuffer is too small");
  report_ = report.Data();
  reportRef_ = Napi::Persistent(report);
  auto args = info[2].As<Napi::Float64Array>();
  args_ = args.Data();
  argsRef_ = Napi::Persistent(args);

  ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  for (uint32_t i = 0; i + 1 < pairs.Length(); i += 2) {
    std::string name = RequireString(pairs.Get(i), "config name");
    std::string value = RequireString(pairs.Get(i + 1), "config value");
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      throw addon_->MakeError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    }
  }
  // Everything librdkafka reports reaches us as events on the main queue.
  rd_kafka_conf_set_events(conf.get(), RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR |
                                           RD_KAFKA_EVENT_STATS | RD_KAFKA_EVENT_LOG);

  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (!rk) throw addon_->MakeError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  conf.release();  // owned by rk from here on
  h_.rk.reset(rk);
  h_.queue.reset(rd_kafka_queue_get_main(rk));
  // Route logs to the main queue too when lib/ asked for it (log.queue=true); otherwise
  // librdkafka keeps its default logger and this call fails harmlessly.
  rd_kafka_set_log_queue(rk, nullptr);

  wake_ = new Wake();
  wake_->owner = this;
  wake_->tsfn = Wake::Tsfn::New(env, "ironkafka.wake", 0, 1, wake_,
                                [](Napi::Env, void*, Wake* w) { delete w; });
  // An idle producer must not keep the process alive; lib/ refs it while sends are pending.
  wake_->tsfn.Unref(env);
  rd_kafka_queue_cb_event_enable(h_.queue.get(), &Producer::OnQueueNonEmpty, wake_);
  addon_->Track(this);
}

// Called by librdkafka's threads, with the queue locked, when the queue goes from empty to
// non-empty. Only signals; the drain happens on the JS thread.
void Producer::OnQueueNonEmpty(rd_kafka_t*, void* opaque) {
  auto* wake = static_cast<Wake*>(opaque);
  if (!wake->signalled.exchange(true)) wake->tsfn.NonBlockingCall();
}

void Wake::CallJs(Napi::Env env, Napi::Function, Wake* wake, void*) {
  if (env == nullptr || wake->owner == nullptr) return;
  // Cleared before lib/ drains, so an event that lands after the drain emptied the queue
  // signals again.
  wake->signalled.store(false);
  // Everything that can throw stays inside the try: nothing may escape into the thread-safe
  // function's C callback (that would be std::terminate).
  try {
    Napi::Object self = wake->owner->Value();
    if (self.IsEmpty()) return;
    Napi::Value fn = self.Get("onwake");
    if (fn.IsFunction()) fn.As<Napi::Function>().Call(self, {});
  } catch (const Napi::Error& e) {
    // A throwing JS handler must surface as an uncaught exception, not vanish.
    napi_fatal_exception(env, e.Value());
  }
}

rd_kafka_t* Producer::Handle(Napi::Env env) {
  if (!h_.rk) throw addon_->MakeError(env, RD_KAFKA_RESP_ERR__DESTROY, "producer is closed");
  return h_.rk.get();
}

// Stops wake-ups for good: after this returns no librdkafka thread touches wake_ again
// (rd_kafka_queue_cb_event_enable takes the queue lock the callback runs under).
void Producer::StopWakeups() {
  if (h_.queue) rd_kafka_queue_cb_event_enable(h_.queue.get(), nullptr, nullptr);
  if (wake_) {
    wake_->owner = nullptr;
    wake_->tsfn.Abort();
    wake_ = nullptr;  // freed by the tsfn finalizer
  }
}

// topic(name) -> index into the cached topic handles. lib/ caches name -> index, so each
// topic is looked up once per producer instead of per message.
Napi::Value Producer::Topic(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = Handle(info.Env());
  std::string name = RequireString(info[0], "topic");
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, name.c_str(), nullptr);
  if (!t) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    throw addon_->MakeError(info.Env(), err, std::string("topic '") + name + "': " + rd_kafka_err2str(err));
  }
  h_.topics.emplace_back(t);
  return Napi::Number::New(info.Env(), static_cast<double>(h_.topics.size() - 1));
}

// produce(key, value, headers) -> error code (0 = queued). The topic index, partition,
// timestamp (ms, 0 = now) and id (the opaque of the delivery report) are in args (ProduceArg).
// headers: null or a flat [name, value, name, value, ...] array.
// Never blocks: a full queue is reported as _QUEUE_FULL and lib/ waits for space.
Napi::Value Producer::Produce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!h_.rk) return Napi::Number::New(env, RD_KAFKA_RESP_ERR__DESTROY);
  const double topicArg = args_[kArgTopic];
  if (!(topicArg >= 0 && topicArg < static_cast<double>(h_.topics.size()))) {
    throw Napi::RangeError::New(env, "unknown topic index");
  }
  const size_t topic = static_cast<size_t>(topicArg);
  const int32_t partition = static_cast<int32_t>(args_[kArgPartition]);
  const int64_t timestamp = static_cast<int64_t>(args_[kArgTimestamp]);
  const double id = args_[kArgId];
  Bytes key, value;
  ReadBytes(env, info[0], key, "key");
  ReadBytes(env, info[1], value, "value");

  HeadersPtr headers;
  if (info[2].IsArray()) {
    auto list = info[2].As<Napi::Array>();
    headers.reset(rd_kafka_headers_new(list.Length() / 2));
    for (uint32_t i = 0; i + 1 < list.Length(); i += 2) {
      std::string name = RequireString(list.Get(i), "header name");
      Bytes hv;
      ReadBytes(env, list.Get(i + 1), hv, "header value");
      rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()), hv.data,
                          static_cast<ssize_t>(hv.size));
    }
  }

  rd_kafka_vu_t vu[8];
  size_t n = 0;
  vu[n].vtype = RD_KAFKA_VTYPE_RKT;
  vu[n++].u.rkt = h_.topics[topic].get();
  vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[n++].u.i32 = partition;
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = const_cast<void*>(value.data);
  vu[n++].u.mem.size = value.size;
  vu[n].vtype = RD_KAFKA_VTYPE_KEY;
  vu[n].u.mem.ptr = const_cast<void*>(key.data);
  vu[n++].u.mem.size = key.size;
  vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vu[n++].u.ptr = reinterpret_cast<void*>(static_cast<uintptr_t>(id));
  if (timestamp > 0) {
    vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vu[n++].u.i64 = timestamp;
  }
  if (headers) {
    vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vu[n++].u.headers = headers.get();
  }
  ErrorPtr error(rd_kafka_produceva(h_.rk.get(), vu, n));
  if (error) return Napi::Number::New(env, rd_kafka_error_code(error.get()));
  headers.release();  // librdkafka owns the headers once the message is queued
  return Napi::Number::New(env, 0);
}

// produceMany(rows: Float64Array, n, arena: Buffer) -> records handled, from the first.
// Produces n records (headers-less) in one crossing: row i (ManyColumn) holds record i's
// numbers and the lengths of its key and value, whose bytes follow each other in `arena`.
// Each handled record gets its result in kRowError (0 = queued; any other error fails only
// that record, as with produce()). Stops before the first record librdkafka refuses with
// _QUEUE_FULL, so lib/ keeps the rest, in order, for when there is room.
Napi::Value Producer::ProduceMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      !info[2].IsBuffer()) {
    throw Napi::TypeError::New(env, "produceMany(rows: Float64Array, n, arena: Buffer)");
  }
  auto rowsArray = info[0].As<Napi::Float64Array>();
  double* rows = rowsArray.Data();
  const size_t n = info[1].As<Napi::Number>().Uint32Value();
  if (n > rowsArray.ElementLength() / kRowStride) throw Napi::RangeError::New(env, "more rows than the array holds");
  auto arena = info[2].As<Napi::Buffer<char>>();
  const char* bytes = arena.Data();
  const size_t size = arena.Length();
  rd_kafka_t* rk = h_.rk.get();

  // What protects memory, checked for every row before any is produced (a bad call queues
  // nothing): each topic handle exists and all bytes lie inside the arena.
  const double topics = static_cast<double>(h_.topics.size());
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const double* row = rows + i * kRowStride;
    if (!(row[kRowTopic] >= 0 && row[kRowTopic] < topics)) throw Napi::RangeError::New(env, "unknown topic index");
    const double keyLen = row[kRowKeyLen];
    const double valueLen = row[kRowValueLen];
    if (!(keyLen >= -1 && valueLen >= -1 && keyLen <= static_cast<double>(size) &&
          valueLen <= static_cast<double>(size))) {
      throw Napi::RangeError::New(env, "row lengths exceed the arena");
    }
    const size_t kn = keyLen > 0 ? static_cast<size_t>(keyLen) : 0;
    const size_t vn = valueLen > 0 ? static_cast<size_t>(valueLen) : 0;
    if (kn > size - at || vn > size - at - kn) throw Napi::RangeError::New(env, "row lengths exceed the arena");
    at += kn + vn;
  }

  at = 0;  // arena offset of record i's key
  size_t i = 0;
  for (; i < n; i++) {
    double* row = rows + i * kRowStride;
    if (!rk) {
      row[kRowError] = RD_KAFKA_RESP_ERR__DESTROY;
      continue;
    }
    const double topicArg = row[kRowTopic];
    const double keyLen = row[kRowKeyLen];
    const double valueLen = row[kRowValueLen];
    const size_t kn = keyLen > 0 ? static_cast<size_t>(keyLen) : 0;
    const size_t vn = valueLen > 0 ? static_cast<size_t>(valueLen) : 0;
    // (librdkafka's V_ macros do not parenthesise their arguments: plain variables only.)
    const int64_t timestamp = std::max<int64_t>(0, static_cast<int64_t>(row[kRowTimestamp]));  // 0 = now
    const int32_t partition = static_cast<int32_t>(row[kRowPartition]);
    rd_kafka_topic_t* rkt = h_.topics[static_cast<size_t>(topicArg)].get();
    const void* key = keyLen < 0 ? nullptr : bytes + at;
    void* value = valueLen < 0 ? nullptr : const_cast<char*>(bytes + at + kn);
    void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(row[kRowId]));
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, kn), RD_KAFKA_V_VALUE(value, vn), RD_KAFKA_V_OPAQUE(opaque),
        RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
    row[kRowError] = err;
    at += kn + vn;
  }
  return Napi::Number::New(env, static_cast<double>(i));
}

// drain(max, events: object[]) -> number of delivery-report rows written.
// Hands over at most `max` items in queue order: delivery-report rows into the report buffer,
// other events (errors, stats, logs) appended to `events`. Never waits (timeout 0). When
// rows + events.length == max, more may remain and lib/ schedules another slice; librdkafka
// only signals again once the queue has been emptied, so an item must never be dropped here.
Napi::Value Producer::Drain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!h_.rk) return Napi::Number::New(env, 0);
  const uint32_t max = std::min(info[0].As<Napi::Number>().Uint32Value(), reportRows_);
  auto events = info[1].As<Napi::Array>();
  uint32_t rows = 0;
  uint32_t handed = 0;  // rows + events: what counts against `max`

  while (handed < max) {
    if (!h_.cur) {
      rd_kafka_event_t* ev = rd_kafka_queue_poll(h_.queue.get(), 0);
      if (!ev) break;
      if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DR) {
        // Kept across calls until every message in it has been copied out: destroying a DR
        // event destroys its messages, and with them reports nobody has seen.
        h_.cur.reset(ev);
      } else {
        EventPtr owned(ev);
        Napi::Object o = Napi::Object::New(env);
        switch (rd_kafka_event_type(ev)) {
          case RD_KAFKA_EVENT_ERROR: {
            rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
            o.Set("type", "error");
            o.Set("errno", Napi::Number::New(env, err));
            o.Set("code", rd_kafka_err2name(err));
            o.Set("message", rd_kafka_event_error_string(ev));
            o.Set("fatal", Napi::Boolean::New(env, rd_kafka_event_error_is_fatal(ev)));
            break;
          }
          case RD_KAFKA_EVENT_STATS:
            o.Set("type", "stats");
            o.Set("json", rd_kafka_event_stats(ev));
            break;
          case RD_KAFKA_EVENT_LOG: {
            const char* fac = "";
            const char* str = "";
            int level = 0;
            rd_kafka_event_log(ev, &fac, &str, &level);
            o.Set("type", "log");
            o.Set("level", Napi::Number::New(env, level));
            o.Set("facility", fac);
            o.Set("message", str);
            break;
          }
          default:
            continue;  // not a type we enabled; nothing to hand over
        }
        events.Set(events.Length(), o);
        handed++;
        continue;
      }
    }
    // h_.cur is set and handed < max: copy reports until the budget or the event runs out.
    bool exhausted = false;
    while (handed < max) {
      const rd_kafka_message_t* m = rd_kafka_event_message_next(h_.cur.get());
      if (m == nullptr) {
        exhausted = true;
        break;
      }
      double* row = report_ + static_cast<size_t>(rows) * kReportStride;
      rd_kafka_timestamp_type_t tstype;
      row[kReportId] = static_cast<double>(reinterpret_cast<uintptr_t>(m->_private));
      row[kReportPartition] = m->partition;
      row[kReportOffset] = static_cast<double>(m->offset);
      row[kReportTimestamp] = static_cast<double>(rd_kafka_message_timestamp(m, &tstype));
      row[kReportError] = m->err;
      row[kReportStatus] = rd_kafka_message_status(m);
      rows++;
      handed++;
    }
    if (exhausted) h_.cur.reset();  // every message copied out; frees them
  }
  return Napi::Number::New(env, rows);
}

// flush(timeoutMs) -> Promise<error code>. Runs rd_kafka_flush off the JS thread; with
// event-based delivery reports librdkafka waits for lib/ to drain them, which the JS thread
// keeps doing meanwhile.
Napi::Value Producer::Flush(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = Handle(info.Env());
  int timeout = info[0].As<Napi::Number>().Int32Value();
  blockingCalls_++;
  return PromiseWorker<rd_kafka_resp_err_t>::Run(
      info.Env(), Value(), "ironkafka.flush",
      [rk, timeout, this] {
        rd_kafka_resp_err_t err = rd_kafka_flush(rk, timeout);
        blockingCalls_--;
        return err;
      },
      [](Napi::Env env, rd_kafka_resp_err_t& err) { return Napi::Number::New(env, err); });
}

// metadata(timeoutMs) -> Promise<{ errno, brokers }>: one metadata request (no topics) on the
// worker, so connect() can fail fast when no broker answers.
Napi::Value Producer::Metadata(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = Handle(info.Env());
  int timeout = info[0].As<Napi::Number>().Int32Value();
  struct Result {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int brokers = 0;
  };
  blockingCalls_++;
  return PromiseWorker<Result>::Run(
      info.Env(), Value(), "ironkafka.metadata",
      [rk, timeout, this] {
        Result r;
        const rd_kafka_metadata_t* md = nullptr;
        r.err = rd_kafka_metadata(rk, 0, nullptr, &md, timeout);
        if (md) {
          r.brokers = md->broker_cnt;
          rd_kafka_metadata_destroy(md);
        }
        blockingCalls_--;
        return r;
      },
      [](Napi::Env env, Result& r) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("errno", Napi::Number::New(env, r.err));
        o.Set("brokers", Napi::Number::New(env, r.brokers));
        return o;
      });
}

// purge(flags) -> error code. Always non-blocking: the purged messages' reports arrive
// through the queue like any other.
Napi::Value Producer::Purge(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = Handle(info.Env());
  int flags = info[0].As<Napi::Number>().Int32Value() | RD_KAFKA_PURGE_F_NON_BLOCKING;
  return Napi::Number::New(info.Env(), rd_kafka_purge(rk, flags));
}

// close() -> Promise<void>. lib/ calls it once every send has settled (or been purged). Destroys the handle on
// the worker; wake-ups stop first so librdkafka's shutdown never calls into a dying object.
Napi::Value Producer::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!h_.rk) {
    auto done = Napi::Promise::Deferred::New(env);
    done.Resolve(env.Undefined());
    return done.Promise();
  }
  StopWakeups();
  addon_->Untrack(this);
  auto handles = TakeHandles();
  return PromiseWorker<bool>::Run(
      env, Value(), "ironkafka.destroy",
      [handles, this]() mutable {
        // A flush or metadata call may still be using rk on another pool thread; each is
        // bounded by its own timeout (and a purge ends a flush early). Wait here, not on JS.
        while (blockingCalls_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        handles.reset();  // the last owner: rd_kafka_destroy runs here, on the worker
        return true;
      },
      [](Napi::Env env, bool&) { return env.Undefined(); });
}

Napi::Value Producer::Ref(const Napi::CallbackInfo& info) {
  if (wake_) wake_->tsfn.Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Producer::Unref(const Napi::CallbackInfo& info) {
  if (wake_) wake_->tsfn.Unref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Producer::OutqLen(const Napi::CallbackInfo& info) {
  if (!h_.rk) return Napi::Number::New(info.Env(), 0);
  return Napi::Number::New(info.Env(), rd_kafka_outq_len(h_.rk.get()));
}

// fatalError() -> null, or a KafkaError for the underlying cause (rd_kafka_fatal_error).
Napi::Value Producer::FatalError(const Napi::CallbackInfo& info) {
  if (!h_.rk) return info.Env().Null();
  char reason[512];
  rd_kafka_resp_err_t err = rd_kafka_fatal_error(h_.rk.get(), reason, sizeof(reason));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return info.Env().Null();
  return addon_->MakeError(info.Env(), err, reason, true).Value();
}

// testFatalError(errno, reason): librdkafka's own fault injection, for tests.
Napi::Value Producer::TestFatalError(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = Handle(info.Env());
  auto err = static_cast<rd_kafka_resp_err_t>(info[0].As<Napi::Number>().Int32Value());
  std::string reason = RequireString(info[1], "reason");
  return Napi::Number::New(info.Env(), rd_kafka_test_fatal_error(rk, err, reason.c_str()));
}

Napi::Value Producer::Name(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), rd_kafka_name(Handle(info.Env())));
}

// Environment teardown (Worker exit or process exit): stop and destroy in place.
void Producer::TeardownNow() {
  StopWakeups();
  addon_->Untrack(this);
  if (!h_.rk) return;
  rd_kafka_purge(h_.rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  // A flush still running on a pool thread holds rk: purge and discard the reports it waits
  // for until it returns (bounded by its own timeout).
  for (int i = 0; blockingCalls_ > 0 && i < 30000; i++) {
    h_.cur.reset();
    while (rd_kafka_event_t* ev = rd_kafka_queue_poll(h_.queue.get(), 0)) rd_kafka_event_destroy(ev);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  h_.Reset();
}

// Collected without close(): no JS may run here and the JS thread must not block, so the
// handles are destroyed on a background thread. (A producer with pending sends is kept
// reachable by lib/, so nothing undelivered is dropped here.)
Producer::~Producer() {
  StopWakeups();
  addon_->Untrack(this);
  if (!h_.rk) return;
  auto handles = TakeHandles();
  DestroyInBackground([handles]() mutable {
    rd_kafka_purge(handles->rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    handles.reset();
  });
}

}  // namespace ironkafka
